using System.Runtime.CompilerServices;

// Tests feed the scheduler's run queues and the vCPU state synthetic values.
[assembly: InternalsVisibleTo("KvmLab.Model.Tests")]
