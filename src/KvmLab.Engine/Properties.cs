using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("KvmLab.Engine.Tests")]
[assembly: InternalsVisibleTo("KvmLab.Bench")]
