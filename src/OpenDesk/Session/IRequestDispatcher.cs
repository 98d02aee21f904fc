using OpenDesk.Protocol;

namespace OpenDesk.Session;

/// <summary>Serves the REQ frames a <see cref="Peer"/> receives. Exceptions become wire errors (spec §14.2).</summary>
public interface IRequestDispatcher
{
    ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken);

    IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, CancellationToken cancellationToken);
}
