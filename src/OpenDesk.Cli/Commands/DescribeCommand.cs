using System.CommandLine;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk describe</c>: this machine's self-description, sent in HELLO and mDNS.</summary>
internal static class DescribeCommand
{
    public static Command Create()
    {
        var command = new Command("describe", "Show or set this machine's description (sent to controllers)");
        var text = new Argument<string?>("text") { Description = "the new description", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "remove the description" };
        command.Arguments.Add(text);
        command.Options.Add(clear);
        command.SetAction(parse =>
        {
            var file = new DescriptionFile(Cli.HomeOf(parse));
            if (parse.GetValue(clear))
            {
                Console.WriteLine(file.Clear() ? "Description cleared." : "No description was set.");
                return 0;
            }

            if (parse.GetValue(text) is { } value)
            {
                file.Write(value);
                Console.WriteLine("Description saved.  Next session will broadcast it.");
                return 0;
            }

            var current = file.Read();
            Console.WriteLine(current.Length > 0 ? current : "(no description set)");
            return 0;
        });
        return command;
    }
}
