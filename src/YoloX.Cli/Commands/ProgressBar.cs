using System.Diagnostics;
using System.Globalization;

namespace YoloX.Cli.Commands;

/// <summary>A one-line text progress bar on the error stream (so that stdout stays clean for results).</summary>
internal sealed class ProgressBar(TextWriter writer, string label) : IProgress<(int Done, int Total)>
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawn = -1_000;

    public void Report((int Done, int Total) value)
    {
        var (done, total) = value;
        // Redraw at most ~10 times per second, and always for the last item.
        if (done < total && _clock.ElapsedMilliseconds - _lastDrawn < 100)
        {
            return;
        }
        _lastDrawn = _clock.ElapsedMilliseconds;
        var fraction = total == 0 ? 1.0 : (double)done / total;
        var filled = (int)Math.Round(fraction * Width);
        var rate = done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} {rate:F1}/s"));
        if (done >= total)
        {
            writer.WriteLine();
        }
        writer.Flush();
    }
}
