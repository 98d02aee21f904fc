using System.Security.Cryptography;
using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

/// <summary>Services with names and keys no other test (or other process on this host) will use.</summary>
internal static class MdnsTestServices
{
    public static MdnsServiceInfo Create(int port, string description = "")
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        return new MdnsServiceInfo("odtest-" + Convert.ToHexStringLower(key[..6]), port, key, description);
    }
}
