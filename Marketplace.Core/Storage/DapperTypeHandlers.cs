using System.Data;
using Dapper;

namespace Marketplace.Core.Storage;

/// <summary>
/// SQLite has no Guid or DateTimeOffset type: both travel as text there, as native types on SQL Server.
/// These handlers make Dapper read either form.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    internal static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }
        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    /// <summary>
    /// Dapper expands `IN @Ids` lists without type handlers, so Guids are sent as text (how SQLite stores them;
    /// SQL Server converts text to uniqueidentifier).
    /// </summary>
    public static string[] ListParameter(IEnumerable<Guid> ids) => ids.Select(id => id.ToString("D")).ToArray();

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            parameter.DbType = DbType.String;
            parameter.Size = 36;
            parameter.Value = value.ToString("D");
        }

        public override Guid Parse(object value) => value switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            byte[] b => new Guid(b),
            _ => throw new DataException($"Cannot read {value.GetType()} as Guid"),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is Microsoft.Data.Sqlite.SqliteParameter)
            {
                parameter.DbType = DbType.String;
                // Fixed-width UTC text sorts chronologically.
                parameter.Value = value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
            }
            else
            {
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value;
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
            _ => throw new DataException($"Cannot read {value.GetType()} as DateTimeOffset"),
        };
    }
}
