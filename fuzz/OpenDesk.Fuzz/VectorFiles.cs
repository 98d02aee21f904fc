using System.Text.Json;

namespace OpenDesk.Fuzz;

/// <summary>Reads docs/protocol/vectors, the source of every seed input (no binary corpus is committed).</summary>
internal sealed class VectorFiles(string directory)
{
    public JsonElement Root(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, file)));
        return document.RootElement.Clone();
    }

    public IEnumerable<JsonElement> Array(string file) => Root(file).EnumerateArray();

    public IEnumerable<JsonElement> Cases(string file) => Root(file).GetProperty("cases").EnumerateArray();

    public static byte[] Hex(JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString() ?? "");
}
