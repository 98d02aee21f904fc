using System.Globalization;
using System.Text;
using System.Xml;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// Windows: the Task Scheduler task <c>opendesk</c>, started at the user's logon. The task is registered from an
/// XML definition kept in <c>%LOCALAPPDATA%\opendesk</c>, outside any opendesk home, because uninstall-service
/// takes no <c>--home</c> and must still find it.
/// </summary>
internal sealed class ScheduledTaskService(string xmlPath, string userId) : ServiceManager
{
    public const string TaskName = "opendesk";

    public const string FileName = "opendesk-task.xml";

    /// <summary>The Task Scheduler schema namespace every task definition is in.</summary>
    public const string Namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    private const string Schtasks = "schtasks";

    public override string Name => "schtasks";

    public override string DefinitionPath => xmlPath;

    // schtasks reads UTF-16 definitions reliably (it is what Task Scheduler exports); the BOM is what tells it.
    public override void Write(ServeInvocation serve) => WriteFile(xmlPath, TaskXml(serve, userId), Encoding.Unicode);

    public override bool Start(CommandRunner run)
    {
        if (!run(Schtasks, ["/Create", "/TN", TaskName, "/XML", xmlPath, "/F"]))
        {
            return false;
        }

        // A running instance keeps its old arguments and the task ignores a second start while one runs, so a
        // reinstall ends it first; that failing only means none was running.
        run(Schtasks, ["/End", "/TN", TaskName]);
        return run(Schtasks, ["/Run", "/TN", TaskName]);
    }

    public override void Stop(CommandRunner run)
    {
        // Deleting the task leaves a running instance alive.
        run(Schtasks, ["/End", "/TN", TaskName]);
        run(Schtasks, ["/Delete", "/TN", TaskName, "/F"]);
    }

    /// <summary>The task definition: run serve at <paramref name="userId"/>'s logon, in their session, restarting after a failure.</summary>
    /// <param name="userId"><c>DOMAIN\user</c> of the account whose logon starts the task and which it runs as.</param>
    internal static string TaskXml(ServeInvocation serve, string userId)
    {
        // A StringWriter declares encoding="utf-16", which is what Write puts on disk.
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, IndentChars = "  " }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Task", Namespace);
            xml.WriteAttributeString("version", "1.2");

            xml.WriteStartElement("RegistrationInfo", Namespace);
            Element(xml, "Description", "opendesk serve: remote control of this desktop by paired controllers");
            Element(xml, "URI", @"\" + TaskName);
            xml.WriteEndElement();

            xml.WriteStartElement("Triggers", Namespace);
            xml.WriteStartElement("LogonTrigger", Namespace);
            Element(xml, "Enabled", "true");
            // This user's logon only: like the systemd and launchd services, this one is per user.
            Element(xml, "UserId", userId);
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("Principals", Namespace);
            xml.WriteStartElement("Principal", Namespace);
            xml.WriteAttributeString("id", "Author");
            Element(xml, "UserId", userId);
            // Run in the interactive session, the one with the desktop to capture, and store no password.
            Element(xml, "LogonType", "InteractiveToken");
            Element(xml, "RunLevel", "LeastPrivilege");
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("Settings", Namespace);
            Element(xml, "MultipleInstancesPolicy", "IgnoreNew");
            // The defaults would refuse to start a laptop's task on battery and stop it when unplugged.
            Element(xml, "DisallowStartIfOnBatteries", "false");
            Element(xml, "StopIfGoingOnBatteries", "false");
            // The default limit, 72 hours, would end a long-lived server.
            Element(xml, "ExecutionTimeLimit", "PT0S");
            Element(xml, "AllowStartOnDemand", "true");
            Element(xml, "Enabled", "true");
            xml.WriteStartElement("RestartOnFailure", Namespace);
            // The shortest interval and the most attempts the schema allows.
            Element(xml, "Interval", "PT1M");
            Element(xml, "Count", "999");
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("Actions", Namespace);
            xml.WriteAttributeString("Context", "Author");
            xml.WriteStartElement("Exec", Namespace);
            Element(xml, "Command", serve.Executable);
            Element(xml, "Arguments", string.Join(' ', serve.Arguments.Select(QuoteArgument)));
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        text.WriteLine();
        return text.ToString();
    }

    /// <summary>
    /// Quotes one argument so the program's C runtime (CommandLineToArgvW rules) hands it back unchanged:
    /// backslashes are literal except before a quote, where they and the quote are escaped.
    /// </summary>
    internal static string QuoteArgument(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '\n', '\v', '"']) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }

    private static void Element(XmlWriter xml, string name, string value) => xml.WriteElementString(name, Namespace, value);
}
