using OpenDesk.Protocol;

namespace OpenDesk.Tests.Admin;

/// <summary>
/// Structural equality of msgpack trees that also checks map key order and the int/float distinction, which
/// re-encoding hides when both sides share the same encoder.
/// </summary>
internal static class TreeAssert
{
    public static void Equal(object? expected, object? actual, string path = "$")
    {
        switch (expected)
        {
            case MsgMap expectedMap:
                var actualMap = Assert.IsType<MsgMap>(actual);
                Assert.True(
                    expectedMap.Keys.SequenceEqual(actualMap.Keys),
                    $"{path}: keys [{string.Join(", ", actualMap.Keys)}], expected [{string.Join(", ", expectedMap.Keys)}]");
                foreach (var (key, value) in expectedMap)
                {
                    Equal(value, actualMap[key], $"{path}.{key}");
                }

                break;
            case List<object?> expectedList:
                var actualList = Assert.IsType<List<object?>>(actual);
                Assert.True(expectedList.Count == actualList.Count, $"{path}: {actualList.Count} items, expected {expectedList.Count}");
                for (var i = 0; i < expectedList.Count; i++)
                {
                    Equal(expectedList[i], actualList[i], $"{path}[{i}]");
                }

                break;
            case byte[] expectedBytes:
                Assert.Equal(expectedBytes, Assert.IsType<byte[]>(actual));
                break;
            case null:
                Assert.Null(actual);
                break;
            default:
                Assert.True(actual is not null && expected.GetType() == actual.GetType(), $"{path}: {actual?.GetType().Name ?? "null"}, expected {expected.GetType().Name}");
                Assert.Equal(expected, actual);
                break;
        }
    }
}
