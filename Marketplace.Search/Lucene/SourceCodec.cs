using System.Buffers;
using System.Text;
using System.Text.Json;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The offering source kept in the index, in a compact binary layout: every hit of every search reads one, and
/// decoding it is a straight walk over length-prefixed UTF-8 (JSON parsing was a fifth of a search's CPU).
/// The first byte tells the layout; sources written as JSON by earlier versions (first byte <c>{</c>) still read.
/// </summary>
internal static class SourceCodec
{
    private const byte LayoutV1 = 1;

    public static byte[] Encode(OfferingDocument offering)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new Writer(buffer);
        writer.Byte(LayoutV1);
        writer.Guid(offering.Id);
        writer.Long(offering.Version);
        writer.Byte(offering.Live ? (byte)1 : (byte)0);
        writer.Guid(offering.RevisionId);
        writer.String(offering.Title);
        writer.String(offering.Summary);
        writer.String(offering.Description);
        writer.Strings(offering.Keywords);
        writer.Strings(offering.Cases);
        writer.Guid(offering.SupplierId);
        writer.String(offering.SupplierName);
        writer.Strings(offering.Directions);
        writer.Strings(offering.SubDirections);
        writer.String(offering.Type);
        writer.String(offering.Deployment);
        writer.Strings(offering.Districts);
        writer.Long(offering.PriceMinYuan);
        writer.Long(offering.PriceMaxYuan);
        writer.Long(offering.ImplementationDays);
        writer.Time(offering.PublishedAt);
        return buffer.WrittenSpan.ToArray();
    }

    public static OfferingDocument Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0 && bytes[0] == (byte)'{')
        {
            return JsonSerializer.Deserialize(bytes, SourceJson.Default.OfferingDocument)
                ?? throw new InvalidDataException("A stored offering source is empty.");
        }
        var reader = new Reader(bytes);
        var layout = reader.Byte();
        if (layout != LayoutV1)
        {
            throw new InvalidDataException($"Unknown offering source layout {layout}: the index was written by a newer version (rebuild it).");
        }
        // Members are assigned in the order written, the order they were encoded in.
        return new OfferingDocument
        {
            Id = reader.Guid(),
            Version = reader.Long(),
            Live = reader.Byte() == 1,
            RevisionId = reader.Guid(),
            Title = reader.String(),
            Summary = reader.String(),
            Description = reader.String(),
            Keywords = reader.Strings(),
            Cases = reader.Strings(),
            SupplierId = reader.Guid(),
            SupplierName = reader.String(),
            Directions = reader.Strings(),
            SubDirections = reader.Strings(),
            Type = reader.String(),
            Deployment = reader.String(),
            Districts = reader.Strings(),
            PriceMinYuan = reader.Long(),
            PriceMaxYuan = reader.Long(),
            ImplementationDays = (int)reader.Long(),
            PublishedAt = reader.Time(),
        };
    }

    private readonly ref struct Writer(ArrayBufferWriter<byte> buffer)
    {
        public void Byte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }

        public void Guid(Guid value)
        {
            value.TryWriteBytes(buffer.GetSpan(16));
            buffer.Advance(16);
        }

        public void Long(long value)
        {
            // Zig-zag varint: small numbers (lengths, counts, days) take one byte.
            var zigzag = (ulong)((value << 1) ^ (value >> 63));
            var span = buffer.GetSpan(10);
            var written = 0;
            while (zigzag >= 0x80)
            {
                span[written++] = (byte)(zigzag | 0x80);
                zigzag >>= 7;
            }
            span[written++] = (byte)zigzag;
            buffer.Advance(written);
        }

        public void Time(DateTimeOffset value)
        {
            Long(value.UtcTicks);
            Long((long)value.Offset.TotalMinutes);
        }

        public void String(string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            var length = Encoding.UTF8.GetByteCount(value);
            Long(length);
            Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
            buffer.Advance(length);
        }

        public void Strings(IReadOnlyList<string> values)
        {
            ArgumentNullException.ThrowIfNull(values);
            Long(values.Count);
            foreach (var value in values)
            {
                String(value);
            }
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public byte Byte() => _bytes[_at++];

        public Guid Guid()
        {
            var value = new Guid(_bytes.Slice(_at, 16));
            _at += 16;
            return value;
        }

        public long Long()
        {
            ulong zigzag = 0;
            var shift = 0;
            byte next;
            do
            {
                next = _bytes[_at++];
                zigzag |= (ulong)(next & 0x7F) << shift;
                shift += 7;
            }
            while ((next & 0x80) != 0);
            return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
        }

        public DateTimeOffset Time()
        {
            var utcTicks = Long();
            return new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(Long()));
        }

        public string String()
        {
            var length = checked((int)Long());
            var value = Encoding.UTF8.GetString(_bytes.Slice(_at, length));
            _at += length;
            return value;
        }

        public string[] Strings()
        {
            var count = checked((int)Long());
            if (count == 0)
            {
                return [];
            }
            var values = new string[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = String();
            }
            return values;
        }
    }
}
