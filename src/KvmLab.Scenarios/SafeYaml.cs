using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace KvmLab.Scenarios;

/// <summary>
/// Loads a YAML file for the scenario and sweep loaders so that no input can crash the process:
/// every parser failure becomes one "file:line: yaml: problem" error. YamlDotNet throws
/// InvalidOperationException rather than YamlException on some truncated input (an unclosed
/// '[' at the end of the file), builds nodes recursively (a few thousand nested '[' overflow
/// the stack, which no handler can catch), and resolves aliases to shared nodes (a
/// "billion laughs" file then expands when written out); all three are refused here.
/// </summary>
public static class SafeYaml
{
    /// <summary>The root node of the file's first document, or null for an empty file.</summary>
    public static YamlNode? Load(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > ScenarioLimits.MaxFileBytes)
        {
            throw new ScenarioException(file, 1, "yaml", $"the file has {text.Length} characters; a scenario or sweep file is at most {ScenarioLimits.MaxFileBytes} (1 MiB)");
        }

        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new GuardedParser(new Parser(scanner), file);
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ScenarioException(file, LineOf(e.Start), "yaml", FirstLine(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner gives up without a YamlException on some truncated input.
            throw new ScenarioException(file, LineOf(scanner.CurrentPosition), "yaml",
                "the YAML ends or breaks here before a structure is complete (an unclosed '[', '{' or quote?)");
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    private static int LineOf(Mark m) => (int)Math.Clamp(m.Line, 1, int.MaxValue);

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>Passes the parser's events through, refusing aliases and deep nesting before the node builder recurses.</summary>
    private sealed class GuardedParser(IParser inner, string file) : IParser
    {
        private int _depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool more = inner.MoveNext();
            switch (inner.Current)
            {
                case AnchorAlias a:
                    throw new ScenarioException(file, LineOf(a.Start), "yaml", $"aliases ('*{a.Value}') are not supported; write the value out");
                case SequenceStart or MappingStart:
                    if (++_depth > ScenarioLimits.MaxYamlDepth)
                    {
                        throw new ScenarioException(file, LineOf(inner.Current.Start), "yaml", $"nested more than {ScenarioLimits.MaxYamlDepth} levels deep");
                    }

                    break;
                case SequenceEnd or MappingEnd:
                    _depth--;
                    break;
            }

            return more;
        }
    }
}
