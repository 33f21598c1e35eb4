using System.Text.Json.Serialization;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Compile-time JSON metadata for the offering source kept in the index (default options: the same JSON as the
/// reflection-based serializer reads and writes), so reading every hit's source skips reflection.
/// </summary>
[JsonSerializable(typeof(OfferingDocument))]
internal sealed partial class SourceJson : JsonSerializerContext;
