namespace OpenDesk.Linux.Accessibility;

/// <summary>The AT-SPI interfaces an object implements that the tree and the actions use.</summary>
[Flags]
internal enum AtSpiInterfaces
{
    None = 0,
    Action = 1,
    Component = 2,
    EditableText = 4,
    Text = 8,
    Value = 16,
    Application = 32,
}
