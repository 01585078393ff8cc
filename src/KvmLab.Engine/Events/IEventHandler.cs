namespace KvmLab.Engine.Events;

/// <summary>
/// Something that reacts to its own scheduled events. Events carry a small integer kind and a
/// 64-bit argument instead of a closure, so the hot path allocates nothing per event.
/// </summary>
public interface IEventHandler
{
    void OnEvent(int kind, long arg);
}
