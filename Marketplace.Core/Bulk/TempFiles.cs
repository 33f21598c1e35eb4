namespace Marketplace.Core.Bulk;

/// <summary>Scratch files for spreadsheets on their way in or out: deleted when closed, so nothing is left behind.</summary>
public static class TempFiles
{
    public static FileStream Create() => new(Path.Combine(Path.GetTempPath(), $"marketplace-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
        FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
