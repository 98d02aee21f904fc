using OpenDesk.Protocol;

namespace OpenDesk.Tests.Protocol;

/// <summary>Wire errors become exceptions a user can catch by type, with the facts they need.</summary>
public sealed class ExceptionTests
{
    [Fact]
    public void A_busy_hello_error_becomes_a_BusyException_naming_the_active_controller()
    {
        var error = ErrorMapping.ToException(new ErrorInfo(ErrorCodes.Busy, "server is busy: laptop is the active controller. Disconnect them to take over."));

        var busy = Assert.IsType<BusyException>(error);
        Assert.Equal("laptop", busy.ActiveController);
        Assert.Equal(ErrorCodes.Busy, busy.Code);
        Assert.Equal("busy: server is busy: laptop is the active controller. Disconnect them to take over.", busy.Message);
        Assert.Null(new BusyException("another controller is active").ActiveController);
    }

    [Theory]
    [InlineData("frame integrity check failed", ConnectionCloseReason.IntegrityFailure)]
    [InlineData("peer disconnected", ConnectionCloseReason.Disconnected)]
    [InlineData("peer disconnected (keepalive timeout: no pong)", ConnectionCloseReason.KeepAliveTimeout)]
    [InlineData("peer closed", ConnectionCloseReason.ClosedLocally)]
    [InlineData("message exceeds the 4096-byte limit", ConnectionCloseReason.MessageTooLarge)]
    public void A_closed_connection_carries_why_it_closed(string message, ConnectionCloseReason reason) =>
        Assert.Equal(reason, new ConnectionClosedException(message).Reason);

    [Fact]
    public void A_backend_not_found_maps_to_the_not_found_code()
    {
        var info = ErrorMapping.ToErrorInfo(new NotFoundException("no window 0x42"));
        Assert.Equal(ErrorCodes.NotFound, info.Code);
        Assert.Equal("no window 0x42", info.Message);
    }
}
