using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenDesk.Tests.Mcp;

/// <summary>
/// Checks a tool's input schema the way a client that validates arguments would read it: an object schema whose
/// properties each have a JSON type and a description, enumerations of strings, defaults of the declared type
/// and inside the enumeration and bounds, and required names that exist.
/// </summary>
internal static partial class ToolSchemaAssert
{
    private static readonly string[] Types = ["string", "boolean", "integer", "number", "array", "object"];

    public static void Valid(string tool, JsonElement schema)
    {
        Assert.Matches(ToolName(), tool);
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean(), $"{tool} accepts unknown arguments");
        var properties = schema.GetProperty("properties");
        Assert.Equal(JsonValueKind.Object, properties.ValueKind);
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                Assert.True(properties.TryGetProperty(name.GetString()!, out _), $"{tool} requires '{name}', which it does not define");
            }
        }

        foreach (var property in properties.EnumerateObject())
        {
            Property($"{tool}.{property.Name}", property.Value);
        }
    }

    private static void Property(string where, JsonElement schema)
    {
        var type = schema.GetProperty("type").GetString();
        Assert.Contains(type, Types);
        Assert.False(string.IsNullOrWhiteSpace(schema.GetProperty("description").GetString()), $"{where} has no description");
        string[]? choices = null;
        if (schema.TryGetProperty("enum", out var enumeration))
        {
            choices = [.. enumeration.EnumerateArray().Select(e => e.GetString()!)];
            Assert.NotEmpty(choices);
            Assert.Equal(choices.Length, choices.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal("string", type);
        }

        if (type == "array")
        {
            Assert.Contains(schema.GetProperty("items").GetProperty("type").GetString(), Types);
        }

        if (type == "object")
        {
            Assert.True(schema.TryGetProperty("properties", out _) || schema.TryGetProperty("additionalProperties", out _), $"{where} is an object of nothing");
        }

        double? minimum = schema.TryGetProperty("minimum", out var min) ? min.GetDouble() : null;
        double? maximum = schema.TryGetProperty("maximum", out var max) ? max.GetDouble() : null;
        Assert.True(minimum is null || maximum is null || minimum <= maximum, $"{where}: minimum {minimum} above maximum {maximum}");
        if (!schema.TryGetProperty("default", out var value))
        {
            return;
        }

        var matches = type switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            _ => false,
        };
        Assert.True(matches, $"{where}: default {value} is not a {type}");
        if (choices is not null)
        {
            Assert.Contains(value.GetString(), choices);
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            Assert.True((minimum is null || value.GetDouble() >= minimum) && (maximum is null || value.GetDouble() <= maximum), $"{where}: default {value} is out of its bounds");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();
}
