namespace KvmLab.RealKvm.Probes;

/// <summary>Runs probes one after another; one probe's failure is recorded and the rest go on.</summary>
public static class ProbeSession
{
    public static List<ProbeResult> Run(ProbeContext ctx, IEnumerable<IProbe> probes, Action<IProbe, ProbeResult>? onResult = null)
    {
        var results = new List<ProbeResult>();
        foreach (IProbe p in probes)
        {
            ctx.Cancel.ThrowIfCancellationRequested();
            ProbeResult r;
            try
            {
                r = p.Run(ctx);
            }
            catch (KvmException e)
            {
                r = ProbeResult.Failed(p.Suite, p.Name, p.Description, e.Message);
            }
            catch (VcpuStuckException e)
            {
                r = ProbeResult.Failed(p.Suite, p.Name, p.Description, e.Message);
            }

            results.Add(r);
            onResult?.Invoke(p, r);
        }

        return results;
    }
}
