using System.Globalization;
using System.Text;
using System.Xml;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// macOS: the launchd user agent <c>~/Library/LaunchAgents/{Label}.plist</c>, bootstrapped into the user's
/// GUI domain so serve runs in the login session that owns the screen and the input devices.
/// </summary>
internal sealed class LaunchdService(string plistPath, uint userId) : ServiceManager
{
    /// <summary>
    /// The job's label. launchd keys every job the user has by label, so it is reverse-DNS, Apple's convention
    /// for keeping labels from colliding; the file carries the same name because launchctl finds a job by
    /// label and the user finds its file by name.
    /// </summary>
    public const string Label = "dev.opendesk.serve";

    private const string Launchctl = "launchctl";

    public override string Name => "launchd";

    public override string DefinitionPath => plistPath;

    private string Domain => string.Create(CultureInfo.InvariantCulture, $"gui/{userId}");

    private string Job => $"{Domain}/{Label}";

    public override void Write(ServeInvocation serve) => WriteFile(plistPath, PlistText(serve), Utf8);

    public override bool Start(CommandRunner run)
    {
        // bootstrap refuses a label that is already loaded, and a loaded job keeps the arguments it was
        // loaded with, so a reinstall unloads the previous job first; that failing only means there was none.
        run(Launchctl, ["bootout", Job]);
        return run(Launchctl, ["bootstrap", Domain, plistPath]);
    }

    public override void Stop(CommandRunner run) => run(Launchctl, ["bootout", Job]);

    /// <summary>The property list launchd loads: start at login, restart after a failure, output to the home.</summary>
    internal static string PlistText(ServeInvocation serve)
    {
        using var text = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, IndentChars = "  " }))
        {
            xml.WriteStartDocument();
            xml.WriteDocType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null);
            xml.WriteStartElement("plist");
            xml.WriteAttributeString("version", "1.0");
            xml.WriteStartElement("dict");

            xml.WriteElementString("key", "Label");
            xml.WriteElementString("string", Label);

            xml.WriteElementString("key", "ProgramArguments");
            xml.WriteStartElement("array");
            foreach (var argument in (IEnumerable<string>)[serve.Executable, .. serve.Arguments])
            {
                xml.WriteElementString("string", argument);
            }

            xml.WriteEndElement();

            xml.WriteElementString("key", "RunAtLoad");
            xml.WriteStartElement("true");
            xml.WriteEndElement();

            // Restart only after a failure: serve exits 0 when asked to stop, and that should stick.
            xml.WriteElementString("key", "KeepAlive");
            xml.WriteStartElement("dict");
            xml.WriteElementString("key", "SuccessfulExit");
            xml.WriteStartElement("false");
            xml.WriteEndElement();
            xml.WriteEndElement();

            // Without it launchd treats the agent as background work and throttles its CPU and I/O, which a
            // controller feels as lag on every screenshot and keystroke.
            xml.WriteElementString("key", "ProcessType");
            xml.WriteElementString("string", "Interactive");

            xml.WriteElementString("key", "StandardOutPath");
            xml.WriteElementString("string", Path.Combine(serve.Home, "serve.log"));
            xml.WriteElementString("key", "StandardErrorPath");
            xml.WriteElementString("string", Path.Combine(serve.Home, "serve.err"));

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        text.WriteLine();
        return text.ToString();
    }

    /// <summary>Makes the XML declaration say UTF-8, the encoding the file is written in.</summary>
    private sealed class Utf8StringWriter() : StringWriter(CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Utf8;
    }
}
