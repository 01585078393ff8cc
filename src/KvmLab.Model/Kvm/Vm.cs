using KvmLab.Model.Guest;

namespace KvmLab.Model.Kvm;

/// <summary>A VM: its vCPUs, the in-kernel LAPICs' routing, its guest kernel, and its KVM settings.</summary>
public sealed class Vm
{
    private readonly List<Vcpu> _vcpus = [];

    public Vm(HostContext host, int id, int vcpuCount, KvmConfig config, KvmPolicies policies, GuestConfig guest, IReadOnlyList<int>? pinning)
    {
        Host = host;
        Id = id;
        Config = config;
        Policies = policies;
        for (int i = 0; i < vcpuCount; i++)
        {
            int? pin = pinning is null ? null : pinning[i];
            _vcpus.Add(new Vcpu(host, this, i, pin));
        }

        Guest = new GuestKernel(host, this, guest);
    }

    public HostContext Host { get; }

    public int Id { get; }

    public KvmConfig Config { get; }

    public KvmPolicies Policies { get; }

    public GuestKernel Guest { get; }

    public IReadOnlyList<Vcpu> Vcpus => _vcpus;

    /// <summary>Starts every vCPU thread.</summary>
    public void Start()
    {
        foreach (Vcpu v in _vcpus)
        {
            v.Start();
        }
    }

    /// <summary>
    /// kvm_irq_delivery_to_apic_fast for the IPIs the model sends: fixed delivery, physical
    /// destination = the target's APIC id (an O(1) apic_map lookup), or a shorthand.
    /// </summary>
    public void DeliverIpi(Vcpu source, IcrWrite icr)
    {
        switch (icr.Shorthand)
        {
            case IcrWrite.ApicDestSelf:
                source.AcceptInterrupt(icr.Vector);
                break;
            case IcrWrite.ApicDestAllInc:
            case IcrWrite.ApicDestAllBut:
                foreach (Vcpu v in _vcpus)
                {
                    if (v != source || icr.Shorthand == IcrWrite.ApicDestAllInc)
                    {
                        v.AcceptInterrupt(icr.Vector);
                    }
                }

                break;
            default:
                if (icr.Destination < _vcpus.Count)
                {
                    _vcpus[(int)icr.Destination].AcceptInterrupt(icr.Vector);
                }

                break;
        }
    }

    /// <summary>Closes the vCPUs' open spans and time accounting at the end of a run.</summary>
    public void Finish()
    {
        foreach (Vcpu v in _vcpus)
        {
            v.Finish();
        }
    }
}
