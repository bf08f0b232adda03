using System.Buffers.Binary;
using System.Runtime.InteropServices;
using YoloX.Training.Augmentation;

namespace YoloX.Training.Data;

/// <summary>
/// Decodes baseline/progressive JPEGs straight into BGR bytes with libjpeg-turbo's TurboJPEG API
/// (<c>tjDecompress2</c> to <c>TJPF_BGR</c>, default flags: accurate integer IDCT, fancy upsampling), the library and
/// settings <c>cv2.imread</c> decodes JPEGs with, so the pixels are OpenCV's (with the same libjpeg-turbo release) and
/// no BGRA intermediate is made. The library (<c>libturbojpeg.so.0</c>, Debian <c>libturbojpeg0</c>) is loaded at
/// run time; when it is missing, <see cref="IsAvailable"/> is false and callers decode with SkiaSharp instead.
/// </summary>
/// <remarks>
/// Only the plain case is taken: a JPEG in YCbCr, RGB or grayscale whose EXIF orientation is absent or "upright"
/// (1), within the pixel limit, that decodes without any libjpeg warning or error. Everything else (CMYK, rotated
/// EXIF, truncated or corrupt data, oversized headers) returns null so that the caller's SkiaSharp path gives its
/// usual result or typed exception.
/// </remarks>
public static unsafe class TurboJpegDecoder
{
    private const int PixelFormatBgr = 1; // TJPF_BGR
    private const int ColorspaceCmyk = 3; // TJCS_CMYK (TJCS_YCCK = 4 likewise)
    private const int OrientationTag = 0x0112;

    private static readonly Library? Native = Library.TryLoad();

    /// <summary>True when the TurboJPEG library was found on this machine.</summary>
    public static bool IsAvailable => Native is not null;

    /// <summary>True when <paramref name="encoded"/> starts with a JPEG start-of-image marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> encoded) =>
        encoded.Length >= 3 && encoded[0] == 0xFF && encoded[1] == 0xD8 && encoded[2] == 0xFF;

    /// <summary>
    /// Decodes <paramref name="encoded"/> into BGR bytes, or returns null when the TurboJPEG path does not apply (see
    /// remarks of the type): the library is missing, the data is not a plain upright JPEG, is larger than
    /// <paramref name="maxPixels"/>, or decoding reports any problem.
    /// </summary>
    public static BgrImage? TryDecode(ReadOnlySpan<byte> encoded, long maxPixels)
    {
        var native = Native;
        if (native is null || !IsJpeg(encoded) || ExifOrientation(encoded) != 1)
            return null;
        var handle = native.InitDecompress();
        if (handle == 0)
            return null;
        try
        {
            fixed (byte* source = encoded)
            {
                int width, height, subsampling, colorspace;
                if (native.DecompressHeader3(handle, source, new CULong((nuint)encoded.Length), &width, &height, &subsampling, &colorspace) != 0 ||
                    width <= 0 || height <= 0 || (long)width * height > maxPixels || colorspace >= ColorspaceCmyk ||
                    (long)width * height * 3 > Array.MaxLength)
                    return null;
                var image = BgrImage.Rent(width, height);
                int status;
                fixed (byte* destination = image.Data)
                {
                    status = native.Decompress2(handle, source, new CULong((nuint)encoded.Length), destination, width, width * 3,
                        height, PixelFormatBgr, 0);
                }
                // Non-zero also on a warning (e.g. premature end of data): leave those files to SkiaSharp.
                if (status == 0)
                    return image;
                image.Recycle();
                return null;
            }
        }
        finally
        {
            native.Destroy(handle);
        }
    }

    /// <summary>
    /// The EXIF orientation of a JPEG: 1 when there is no EXIF block (or it has no orientation tag and parses), the
    /// tag's value when present, 0 when the EXIF block cannot be read (the caller then lets SkiaSharp decide).
    /// </summary>
    internal static int ExifOrientation(ReadOnlySpan<byte> jpeg)
    {
        var p = 2;
        while (p + 4 <= jpeg.Length)
        {
            if (jpeg[p] != 0xFF)
                return 0;
            var marker = jpeg[p + 1];
            if (marker == 0xFF)
            {
                p++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9)
                return 1; // start of scan / end of image: no EXIF block before the pixels
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(p + 2)..]);
            if (length < 2 || p + 2 + length > jpeg.Length)
                return 0;
            var payload = jpeg.Slice(p + 4, length - 2);
            if (marker == 0xE1 && payload.Length >= 6 && payload[..6].SequenceEqual("Exif\0\0"u8))
                return TiffOrientation(payload[6..]);
            p += 2 + length;
        }
        return 0;
    }

    private static int TiffOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
            return 0;
        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I')
            little = true;
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M')
            little = false;
        else
            return 0;
        var ifd = Read32(tiff[4..], little);
        if (ifd < 8 || ifd > tiff.Length - 2)
            return 0;
        int count = Read16(tiff[(int)ifd..], little);
        var entries = (int)ifd + 2;
        if (entries + 12L * count > tiff.Length)
            return 0;
        for (var i = 0; i < count; i++)
        {
            var entry = tiff.Slice(entries + 12 * i, 12);
            if (Read16(entry, little) != OrientationTag)
                continue;
            // SHORT (type 3), count 1: the value sits in the first two bytes of the value field.
            if (Read16(entry[2..], little) != 3 || Read32(entry[4..], little) != 1)
                return 0;
            var value = Read16(entry[8..], little);
            return value is >= 1 and <= 8 ? value : 0;
        }
        return 1;
    }

    private static ushort Read16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint Read32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    /// <summary>The four TurboJPEG functions used, bound from the loaded library.</summary>
    private sealed class Library
    {
        // libjpeg-turbo 2.x and 3.x export the same TurboJPEG 2 functions (3.x keeps them as its compatible API).
        private static readonly string[] Candidates =
            ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll", "turbojpeg"];

        private Library(nint handle)
        {
            InitDecompress = (delegate* unmanaged<nint>)NativeLibrary.GetExport(handle, "tjInitDecompress");
            DecompressHeader3 = (delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int>)NativeLibrary.GetExport(handle, "tjDecompressHeader3");
            Decompress2 = (delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int>)NativeLibrary.GetExport(handle, "tjDecompress2");
            Destroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(handle, "tjDestroy");
        }

        public delegate* unmanaged<nint> InitDecompress { get; }

        public delegate* unmanaged<nint, byte*, CULong, int*, int*, int*, int*, int> DecompressHeader3 { get; }

        public delegate* unmanaged<nint, byte*, CULong, byte*, int, int, int, int, int, int> Decompress2 { get; }

        public delegate* unmanaged<nint, int> Destroy { get; }

        public static Library? TryLoad()
        {
            if (Environment.GetEnvironmentVariable("YOLOX_NO_TURBOJPEG") == "1")
                return null;
            foreach (var name in Candidates)
            {
                if (!NativeLibrary.TryLoad(name, out var handle))
                    continue;
                try
                {
                    return new Library(handle);
                }
                catch (EntryPointNotFoundException)
                {
                    NativeLibrary.Free(handle); // some other library under that name
                }
            }
            return null;
        }
    }
}
