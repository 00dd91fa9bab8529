using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Domain;

namespace RepairNetwork.Server.Mapping;

/// <summary>
/// Field-mask updates with optimistic concurrency: read the stored object, merge the masked fields of
/// the request onto it, and write the result only if the version is still the one read. A concurrent
/// change makes the write fail, and the merge is redone on the fresh object (unless the caller pinned
/// a version, in which case the conflict is theirs to see).
/// </summary>
public static class MaskedUpdate
{
    public const int MaxAttempts = 3;

    private static readonly FieldMask.MergeOptions ReplaceWhole = new() { ReplaceRepeatedFields = true, ReplaceMessageFields = true };

    /// <param name="expectedVersion">The caller's version; 0 means "the version just read".</param>
    /// <param name="write">Writes the merged message if the stored version still equals the given one.</param>
    public static async Task<TStored> Apply<TStored, TMessage>(
        TMessage changes,
        IReadOnlyList<string> paths,
        long expectedVersion,
        Func<Task<TStored>> read,
        Func<TStored, long> versionOf,
        Func<TStored, TMessage> toProto,
        Func<TMessage, long, Task<TStored>> write)
        where TMessage : class, IMessage
    {
        var mask = new FieldMask { Paths = { paths } };
        for (var attempt = 1; ; attempt++)
        {
            var current = await read();
            var merged = toProto(current);
            mask.Merge(changes, merged, ReplaceWhole);
            try
            {
                return await write(merged, expectedVersion != 0 ? expectedVersion : versionOf(current));
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.FailedPrecondition && expectedVersion == 0 && attempt < MaxAttempts)
            {
            }
        }
    }
}
