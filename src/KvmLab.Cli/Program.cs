using KvmLab.Cli;

return KvmLabCli.Run(args);
