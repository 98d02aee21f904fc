namespace OpenDesk.Linux.Accessibility;

/// <summary>The Value interface of a slider, spin button or progress bar.</summary>
internal readonly record struct ValueRange(double Current, double Minimum, double Maximum, double Increment);
