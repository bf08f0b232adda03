using System.Runtime.CompilerServices;

// The module tests reach internal helpers (e.g. SPPBottleneck's pool cascade) without widening the public API.
[assembly: InternalsVisibleTo("YoloX.Core.Tests")]
