namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>
/// The independent observer of the accessibility tests: a pyatspi (libatspi, GNOME's own AT-SPI client) script
/// run in a separate process, which reads what an application really exposes. Commands print JSON:
/// <c>wait APP SECONDS</c> (exit 0 once APP shows a window), <c>node APP 0.1.2</c> (role, name, states, extents,
/// actions, text and value of the object at that child path from the application root), <c>at APP X Y</c>
/// (the objects under a screen point, from the window down to the deepest), <c>dump APP</c>
/// (walks every object and prints the count).
/// </summary>
internal static class PyAtSpiObserver
{
    /// <summary>Debian's interpreter: pyatspi is a Debian package, invisible to other Pythons on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    public const string Script = """
        import json, sys, time
        import pyatspi

        def app_named(name):
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                if app is not None and app.name == name:
                    return app
            return None

        def extents(node):
            try:
                e = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
                return [e.x, e.y, e.width, e.height]
            except NotImplementedError:
                return None

        def actions(node):
            try:
                action = node.queryAction()
                return [action.getName(i) for i in range(action.nActions)]
            except NotImplementedError:
                return []

        def describe(node):
            result = {
                "role": node.getRoleName(),
                "name": node.name,
                "states": sorted(pyatspi.stateToString(s) for s in node.getState().getStates()),
                "extents": extents(node),
                "actions": actions(node),
            }
            try:
                text = node.queryText()
                result["text"] = text.getText(0, text.characterCount)
            except NotImplementedError:
                pass
            try:
                result["value"] = node.queryValue().currentValue
            except NotImplementedError:
                pass
            return result

        def main(argv):
            command, name = argv[1], argv[2]
            if command == "wait":
                deadline = time.monotonic() + float(argv[3])
                while time.monotonic() < deadline:
                    app = app_named(name)
                    if app is not None and app.childCount > 0:
                        frame = app.getChildAtIndex(0)
                        if frame is not None and frame.getState().contains(pyatspi.STATE_SHOWING):
                            return 0
                    time.sleep(0.2)
                return 1
            app = app_named(name)
            if app is None:
                print(json.dumps({"error": "no application " + name}))
                return 2
            if command == "node":
                node = app
                for index in [int(i) for i in argv[3].split(".") if i != ""]:
                    node = node.getChildAtIndex(index)
                print(json.dumps(describe(node)))
                return 0
            if command == "at":
                x, y = int(argv[3]), int(argv[4])
                chain = []
                for i in range(app.childCount):
                    frame = app.getChildAtIndex(i)
                    e = extents(frame)
                    if frame is not None and e is not None and e[0] <= x < e[0] + e[2] and e[1] <= y < e[1] + e[3]:
                        chain.append(frame)
                        break
                while chain:
                    try:
                        hit = chain[-1].queryComponent().getAccessibleAtPoint(x, y, pyatspi.DESKTOP_COORDS)
                    except NotImplementedError:
                        hit = None
                    if hit is None or hit == chain[-1]:
                        # Containers that manage their descendants (tables, trees) often answer no deeper
                        # object, so look among the children for the smallest one under the point.
                        hit = None
                        best = None
                        parent = chain[-1]
                        for k in range(min(parent.childCount, 2000)):
                            child = parent.getChildAtIndex(k)
                            e = extents(child) if child is not None else None
                            if e is not None and e[0] <= x < e[0] + e[2] and e[1] <= y < e[1] + e[3] and (best is None or e[2] * e[3] < best):
                                hit, best = child, e[2] * e[3]
                    if hit is None or len(chain) > 64:
                        break
                    chain.append(hit)
                print(json.dumps([describe(n) for n in chain]))
                return 0
            if command == "dump":
                count = 0
                stack = [app]
                while stack:
                    node = stack.pop()
                    describe(node)
                    count += 1
                    for i in range(node.childCount - 1, -1, -1):
                        child = node.getChildAtIndex(i)
                        if child is not None:
                            stack.append(child)
                print(json.dumps({"nodes": count}))
                return 0
            return 2

        sys.exit(main(sys.argv))
        """;

    /// <summary>Why pyatspi cannot run here, or null.</summary>
    public static string? SkipReason { get; } = File.Exists(Python) && Directory.Exists("/usr/lib/python3/dist-packages/pyatspi")
        ? null
        : "python3-pyatspi is not installed (scripts/test.sh installs it)";
}
