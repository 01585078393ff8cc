namespace KvmLab.Model.Storage;

/// <summary>
/// The trace processes of the storage path (the host's pCPUs are process 0, VM n's vCPUs process
/// n + 1): QEMU's threads, fio's host threads on bare metal, and the devices' queues.
/// </summary>
public static class StorageTrace
{
    public static (int Id, string Name) Qemu { get; } = (1000, "QEMU");

    public static (int Id, string Name) HostFio { get; } = (1001, "fio (host)");

    public static (int Id, string Name) Devices { get; } = (2000, "devices");
}
