using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using OpenDesk.Cli.Json;

namespace OpenDesk.Cli;

/// <summary>
/// Runs the command line with one place deciding what a failure looks like: a usage error prints what was wrong
/// and the command's short usage (exit 2); every other failure one <c>ERROR:</c> line saying what happened and
/// what to do (exit 1, or a code of <see cref="ExitCodes"/>); never a stack trace.
/// </summary>
internal static partial class CliRunner
{
    /// <summary>Set to 1 to get the details of an unexpected failure, for a bug report.</summary>
    public const string DebugVariable = "OPENDESK_DEBUG";

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        root.HelpName = "opendesk";
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (Exception ex)
        {
            // Only a validator's own bug gets here; it still gets one line, not a trace.
            Console.Error.WriteLine($"ERROR: {Classify(ex, interrupted: false).Message}");
            return ExitCodes.Failure;
        }

        if (parse.Action is ParseErrorAction)
        {
            // "Required command was not provided." only adds noise beside a more specific error.
            var errors = parse.Errors.Select(FriendlyParseError).ToList();
            if (errors.Count > 1)
            {
                errors.RemoveAll(e => e.StartsWith("Required command was not provided", StringComparison.Ordinal));
            }

            return UsageError(parse.CommandResult.Command, errors);
        }

        // Ctrl-C and SIGTERM cancel the running command, which then ends the way it chooses ("Shutting down.",
        // "Pairing cancelled."); System.CommandLine's own handling would end the process after two seconds, cutting
        // that short. A second signal ends the process at once.
        using var interrupted = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Interrupt(context, interrupted));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Interrupt(context, interrupted));
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupted.Token);
        }
        catch (Exception ex)
        {
            return Report(ex, parse, interrupted.IsCancellationRequested);
        }
    }

    /// <summary>Prints the error lines, then the short usage of <paramref name="command"/>; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int UsageError(Command command, IEnumerable<string> errors)
    {
        foreach (var error in errors.Distinct())
        {
            Console.Error.WriteLine($"ERROR: {error}");
        }

        Console.Error.WriteLine($"Usage: {UsageLine(command)}");
        if (command is RootCommand)
        {
            Console.Error.WriteLine($"Commands: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
        }

        Console.Error.WriteLine($"Run `{CommandPath(command)} --help` for more.");
        return ExitCodes.Usage;
    }

    /// <summary><c>opendesk pair-with &lt;host&gt; &lt;code&gt; [options]</c>: the path to the command, its arguments, and whether it takes options.</summary>
    internal static string UsageLine(Command command)
    {
        var parts = new List<string> { CommandPath(command) };
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            parts.Add(command.Action is null ? "<command>" : "[<command>]");
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            var name = argument.HelpName ?? argument.Name;
            var shown = argument.Arity.MaximumNumberOfValues > 1 ? $"<{name}>..." : $"<{name}>";
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{shown}]" : shown);
        }

        if (command.Options.Any(o => !o.Hidden && o.Name is not "--help" and not "--version") || command is not RootCommand)
        {
            // Every command takes --home.
            parts.Add("[options]");
        }

        return string.Join(' ', parts);
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (var current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, current is RootCommand ? "opendesk" : current.Name);
        }

        return string.Join(' ', names);
    }

    private static void Interrupt(PosixSignalContext context, CancellationTokenSource interrupted)
    {
        if (interrupted.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        interrupted.Cancel();
    }

    /// <summary>Prints what went wrong as one line (and, with <c>--json</c>, one JSON document on stdout); returns the exit code.</summary>
    internal static int Report(Exception ex, ParseResult parse, bool interrupted)
    {
        if (ex is CliException { IsUsage: true } usage)
        {
            return UsageError(parse.CommandResult.Command, [usage.Message]);
        }

        var (exit, code, message) = Classify(ex, interrupted);
        if (exit == ExitCodes.Cancelled)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine("Cancelled.");
        }
        else
        {
            Console.Error.WriteLine($"ERROR: {message}");
        }

        if (exit != ExitCodes.Cancelled && code == "internal" && Environment.GetEnvironmentVariable(DebugVariable) == "1")
        {
            Console.Error.WriteLine(ex.ToString());
        }

        if (Cli.WantsJson(parse))
        {
            Cli.WriteJson(new ErrorReport(new ErrorDetail(code, message, exit)), CliJsonContext.Default.ErrorReport);
        }

        return exit;
    }

    /// <summary>The exit code, a short machine-readable kind, and the message for <paramref name="ex"/>.</summary>
    internal static (int Exit, string Code, string Message) Classify(Exception ex, bool interrupted) => ex switch
    {
        CliException cli => (cli.ExitCode, cli.Code, cli.Message),
        BusyException busy => (ExitCodes.Busy, ErrorCodes.Busy, $"{busy.Message} Try again once it is free."),
        SessionEvictedException evicted => (ExitCodes.Evicted, "evicted",
            $"{evicted.Message} (the desk ended this session: `opendesk disconnect` or `opendesk unpair` there, or this controller connected again elsewhere)"),
        HandshakeException handshake => (ExitCodes.Failure, handshake.Reason, handshake.Message),
        ProtocolException protocol => (ExitCodes.Failure, protocol.Code, protocol.Message),
        OpenDeskException => (ExitCodes.Failure, "failed", ex.Message),
        OperationCanceledException when interrupted => (ExitCodes.Cancelled, "cancelled", "cancelled"),
        TimeoutException => (ExitCodes.Failure, ErrorCodes.Timeout, ex.Message),
        UnauthorizedAccessException or IOException => (ExitCodes.Failure, "io",
            $"{ex.Message.TrimEnd('.')}. Check that the path exists and that you may write there (for the opendesk home, pass another with --home)."),
        _ => (ExitCodes.Failure, ErrorCodes.Internal,
            $"unexpected {ex.GetType().Name}: {ex.Message} This is a bug in opendesk; please report it with the command you ran ({DebugVariable}=1 prints the details)."),
    };

    /// <summary>System.CommandLine names .NET types in its errors; users think in numbers.</summary>
    private static string FriendlyParseError(ParseError error)
    {
        // A value outside an option's choices is listed one per line, tab-indented, without naming the option.
        var notAmong = NotAmongChoices().Match(error.Message);
        if (notAmong.Success)
        {
            var choices = string.Join(", ", notAmong.Groups[2].Captures.Select(c => c.Value));
            var owner = error.SymbolResult switch
            {
                OptionResult option => option.Option.Name,
                ArgumentResult { Parent: OptionResult option } => option.Option.Name,
                ArgumentResult argument => argument.Argument.Name,
                _ => "the value",
            };
            return $"{owner} must be one of {choices}; got '{notAmong.Groups[1].Value}'";
        }

        return ParseTypeName().Replace(error.Message, match => match.Groups[1].Value switch
        {
            "System.Int32" or "System.Int64" => "as a whole number",
            "System.Double" or "System.Single" => "as a number",
            var other => match.Value,
        });
    }

    [GeneratedRegex(@"as expected type '([\w.]+)'")]
    private static partial Regex ParseTypeName();

    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:(?:\s*'([^']*)')+\s*$")]
    private static partial Regex NotAmongChoices();
}
