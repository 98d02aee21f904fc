using OpenDesk.Cli.Commands;

namespace OpenDesk.Tests.Cli;

/// <summary>install-service / uninstall-service: what the service runs and what each service manager is told.</summary>
public sealed class ServiceCommandsTests
{
    [Fact]
    public void The_service_runs_the_launcher_when_opendesk_came_through_it()
    {
        Assert.Equal(["/src/opendesk"], ServiceCommands.ServeProgram("/src/opendesk", "/usr/bin/dotnet", "/src/.build/cli/OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_the_dotnet_host_with_the_entry_assembly()
    {
        Assert.Equal(["/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"], ServiceCommands.ServeProgram(null, "/usr/lib/dotnet/dotnet", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"], ServiceCommands.ServeProgram("", @"C:\Program Files\dotnet\dotnet.exe", @"C:\od\OpenDesk.Cli.dll"));
    }

    [Fact]
    public void The_service_runs_an_apphost_alone_without_its_assembly_as_an_argument()
    {
        Assert.Equal(["/opt/od/OpenDesk.Cli"], ServiceCommands.ServeProgram(null, "/opt/od/OpenDesk.Cli", "/opt/od/OpenDesk.Cli.dll"));
        Assert.Equal([@"C:\od\opendesk.exe"], ServiceCommands.ServeProgram(null, @"C:\od\opendesk.exe", ""));
    }
}
