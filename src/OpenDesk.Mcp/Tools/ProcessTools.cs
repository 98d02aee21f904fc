using System.Globalization;
using System.Text;
using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>shell</c> and <c>exec</c>: run commands on the desk and read their output.</summary>
internal static class ProcessTools
{
    /// <summary>Output beyond this many characters per stream is cut, keeping its end, where errors usually are.</summary>
    private const int MaxStreamChars = 50_000;

    public static ToolDefinition Shell { get; } = new()
    {
        Name = "shell",
        Title = "Shell command",
        Description = "Run a command line through the desk's shell and return its exit code, standard output and standard error.",
        Methods = [Methods.ProcessShell],
        Parameters = [ToolParameter.FromMethod(Methods.ProcessShell, "command") with { Required = true }, .. Surroundings(Methods.ProcessShell), .. Common.ActionTail],
        OnDesk = true,
        RunAsync = async call =>
        {
            var args = call.Args;
            var result = await call.On(Methods.ProcessShell).ShellAsync(
                args.String("command")!, args.Number("timeout"), args.String("cwd"), args.StringMap("env"), call.CancellationToken).ConfigureAwait(false);
            return ToolOutput.Text(Describe(call, result));
        },
    };

    public static ToolDefinition Exec { get; } = new()
    {
        Name = "exec",
        Title = "Run a program",
        Description = "Run a program with arguments on the desk, without a shell, and return its exit code, standard output and standard error.",
        Methods = [Methods.ProcessExec],
        Parameters =
        [
            ToolParameter.FromMethod(Methods.ProcessExec, "argv") with { Required = true },
            .. Surroundings(Methods.ProcessExec),
            ToolParameter.FromMethod(Methods.ProcessExec, "stdin", description: "Text written to the program's standard input, which is then closed."),
            .. Common.ActionTail,
        ],
        OnDesk = true,
        RunAsync = async call =>
        {
            var args = call.Args;
            var argv = args.Strings("argv")!;
            if (argv.Count == 0 || argv[0].Length == 0)
            {
                throw args.Invalid("argv must start with the program to run");
            }

            var stdin = args.String("stdin") is { } text ? Encoding.UTF8.GetBytes(text) : null;
            var result = await call.On(Methods.ProcessExec).ExecAsync(
                argv, args.Number("timeout"), args.String("cwd"), args.StringMap("env"), stdin, call.CancellationToken).ConfigureAwait(false);
            return ToolOutput.Text(Describe(call, result));
        },
    };

    private static string Describe(ToolCall call, CompletedCommand result)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Exit code {result.Returncode} on {call.Where} after {result.Duration:0.###} s.");
        Append(text, "stdout", result.Stdout);
        Append(text, "stderr", result.Stderr);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string name, byte[] output)
    {
        if (output.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{name}: (empty)");
            return;
        }

        var decoded = Encoding.UTF8.GetString(output);
        if (decoded.Length > MaxStreamChars)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{name} ({decoded.Length} characters, the last {MaxStreamChars} shown):\n").Append(decoded.AsSpan(decoded.Length - MaxStreamChars));
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{name}:\n").Append(decoded);
        }
    }

    /// <summary>What both shell and exec take from their rows: the time limit, the working directory and the environment.</summary>
    private static ToolParameter[] Surroundings(string method) =>
        [ToolParameter.FromMethod(method, "timeout"), ToolParameter.FromMethod(method, "cwd"), ToolParameter.FromMethod(method, "env")];
}
