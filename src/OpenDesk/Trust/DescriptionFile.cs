using System.Text;

namespace OpenDesk.Trust;

/// <summary>
/// This machine's self-description, <c>&lt;home&gt;/description.txt</c> (spec §4.3). The server reads it
/// afresh for every session, so writes replace the file atomically rather than truncating it in place.
/// </summary>
public sealed class DescriptionFile
{
    private readonly OpenDeskHome _home;

    public DescriptionFile(OpenDeskHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        _home = home;
    }

    public string FilePath => _home.DescriptionPath;

    /// <summary>The description with surrounding whitespace removed; empty when unset.</summary>
    public string Read()
    {
        try
        {
            return File.ReadAllText(FilePath, Encoding.UTF8).Trim();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    /// <summary>Stores <paramref name="text"/> followed by a newline, or an empty file when it is empty.</summary>
    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var content = text.Length == 0 ? [] : Encoding.UTF8.GetBytes(text + "\n");
        AtomicFile.Replace(FilePath, content, createMode: null);
    }

    /// <summary>Deletes the file.</summary>
    /// <returns>Whether a non-empty description was set.</returns>
    public bool Clear()
    {
        var wasSet = Read().Length > 0;
        File.Delete(FilePath);
        return wasSet;
    }
}
