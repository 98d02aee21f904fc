using Microsoft.Extensions.Hosting;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;

/// <summary>
/// Replaces the generic host's console lifetime: the embedded Kestrel must not hook Ctrl+C or SIGTERM,
/// because the process that embeds it decides when and how to shut down.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
