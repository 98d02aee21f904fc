using System.Buffers;
using System.Text.Json;

namespace OpenDesk.Mcp.Tools;

/// <summary>The JSON schema of a tool's arguments, written by hand from its parameters (no reflection, so trimming keeps it whole).</summary>
internal static class JsonSchema
{
    public static JsonElement ForParameters(IReadOnlyList<ToolParameter> parameters)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            foreach (var parameter in parameters)
            {
                writer.WritePropertyName(parameter.Name);
                WriteProperty(writer, parameter);
            }

            writer.WriteEndObject();
            var required = parameters.Where(p => p.Required).ToList();
            if (required.Count > 0)
            {
                writer.WriteStartArray("required");
                foreach (var parameter in required)
                {
                    writer.WriteStringValue(parameter.Name);
                }

                writer.WriteEndArray();
            }

            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteProperty(Utf8JsonWriter writer, ToolParameter parameter)
    {
        writer.WriteStartObject();
        switch (parameter.Kind)
        {
            case ToolValueKind.StringList:
                writer.WriteString("type", "array");
                writer.WriteStartObject("items");
                writer.WriteString("type", "string");
                if (parameter.Choices is { } itemChoices)
                {
                    WriteEnum(writer, itemChoices);
                }

                writer.WriteEndObject();
                break;
            case ToolValueKind.StringMap:
                writer.WriteString("type", "object");
                writer.WriteStartObject("additionalProperties");
                writer.WriteString("type", "string");
                writer.WriteEndObject();
                break;
            case ToolValueKind.Rect:
                writer.WriteString("type", "object");
                writer.WriteStartObject("properties");
                foreach (var key in RectKeys)
                {
                    writer.WriteStartObject(key);
                    writer.WriteString("type", "number");
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                writer.WriteStartArray("required");
                foreach (var key in RectKeys)
                {
                    writer.WriteStringValue(key);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("additionalProperties", false);
                break;
            default:
                writer.WriteString("type", TypeName(parameter.Kind));
                if (parameter.Choices is { } choices)
                {
                    WriteEnum(writer, choices);
                }

                break;
        }

        writer.WriteString("description", parameter.Description);
        if (parameter.Minimum is { } minimum)
        {
            writer.WriteNumber("minimum", minimum);
        }

        if (parameter.Maximum is { } maximum)
        {
            writer.WriteNumber("maximum", maximum);
        }

        switch (parameter.Default)
        {
            case string text:
                writer.WriteString("default", text);
                break;
            case bool flag:
                writer.WriteBoolean("default", flag);
                break;
            case long number:
                writer.WriteNumber("default", number);
                break;
            case double number:
                writer.WriteNumber("default", number);
                break;
        }

        writer.WriteEndObject();
    }

    public static readonly string[] RectKeys = ["x", "y", "width", "height"];

    public static string TypeName(ToolValueKind kind) => kind switch
    {
        ToolValueKind.String => "string",
        ToolValueKind.Boolean => "boolean",
        ToolValueKind.Integer => "integer",
        ToolValueKind.Number => "number",
        ToolValueKind.StringList => "array",
        _ => "object",
    };

    private static void WriteEnum(Utf8JsonWriter writer, IReadOnlyList<string> choices)
    {
        writer.WriteStartArray("enum");
        foreach (var choice in choices)
        {
            writer.WriteStringValue(choice);
        }

        writer.WriteEndArray();
    }
}
