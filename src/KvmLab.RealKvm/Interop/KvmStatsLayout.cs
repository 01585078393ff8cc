namespace KvmLab.RealKvm.Interop;

/// <summary>
/// The binary statistics file of KVM_GET_STATS_FD (include/uapi/linux/kvm.h struct kvm_stats_header
/// and struct kvm_stats_desc; Documentation/virt/kvm/api.rst 4.133).
/// </summary>
internal static class KvmStatsLayout
{
    // struct kvm_stats_header: u32 flags, name_size, num_desc, id_offset, desc_offset, data_offset.
    public const int HeaderSize = 24;
    public const int HeaderNameSize = 4;
    public const int HeaderNumDesc = 8;
    public const int HeaderDescOffset = 16;
    public const int HeaderDataOffset = 20;

    // struct kvm_stats_desc: u32 flags, s16 exponent, u16 size, u32 offset, u32 bucket_size, char name[name_size].
    public const int DescSize = 4;
    public const int DescOffset = 8;
    public const int DescFixed = 16;
}
