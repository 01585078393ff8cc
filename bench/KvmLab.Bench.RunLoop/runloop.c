/*
 * The C baseline for KvmLab's run-loop benchmark: the smallest KVM_RUN loop that handles the
 * same userspace exits as the C# run loop (MMIO writes to an address without RAM, and a final
 * "done" doorbell). The VM, its memory and the guest are set up by the C# side; this function
 * only runs the vCPU. Uses the system's <linux/kvm.h> (Documentation/virt/kvm/api.rst, KVM_RUN).
 * Built at run time by the benchmark: gcc -O2 -shared -fPIC.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

long kvmlab_c_runloop(int vcpu_fd, struct kvm_run *run, unsigned long long user_addr,
                      unsigned long long done_addr, long *exits_out)
{
	long exits = 0;
	for (;;) {
		if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		exits++;
		if (run->exit_reason != KVM_EXIT_MMIO)
			return -1000 - (long)run->exit_reason;
		if (run->mmio.phys_addr == done_addr)
			break;
		if (run->mmio.phys_addr != user_addr)
			return -2000;
	}
	*exits_out = exits;
	return 0;
}
