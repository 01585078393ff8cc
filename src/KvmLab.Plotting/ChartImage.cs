namespace KvmLab.Plotting;

/// <summary>A rendered chart: a file-name stem, a caption, and the same picture as SVG text and PNG bytes.</summary>
public sealed record ChartImage(string Name, string Caption, string Svg, byte[] Png)
{
    /// <summary>Writes NAME.svg and NAME.png into <paramref name="dir"/>.</summary>
    public void WriteTo(string dir)
    {
        File.WriteAllText(Path.Combine(dir, Name + ".svg"), Svg);
        File.WriteAllBytes(Path.Combine(dir, Name + ".png"), Png);
    }
}
