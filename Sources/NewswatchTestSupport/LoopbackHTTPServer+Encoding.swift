import Foundation

extension LoopbackHTTPServer {
    /// Content codings for test bodies (`Content-Encoding: gzip | br | zstd`).
    ///
    /// gzip uses the system `gzip` (part of every Debian install); brotli and zstd are written here as valid streams of
    /// stored (uncompressed) blocks, which real decoders accept, so no encoder library or CLI is needed.
    public enum Encoding {
        /// `data` gzip-compressed (`gzip -c -n`).
        public static func gzip(_ data: Data) throws -> Data {
            let input = FileManager.default.temporaryDirectory.appendingPathComponent("nw-gzip-\(UUID().uuidString)")
            try data.write(to: input)
            defer { try? FileManager.default.removeItem(at: input) }
            return try run("/bin/sh", ["-c", "exec gzip -c -n < \"$1\"", "sh", input.path])
        }

        /// A gzip body that decodes to `decodedBytes` zero bytes (a "gzip bomb": ~1,000 times smaller than it grows).
        public static func gzipBomb(decodedBytes: Int) throws -> Data {
            try run("/bin/sh", ["-c", "head -c \(decodedBytes) /dev/zero | gzip -c -n"])
        }

        /// `data` as a brotli stream (RFC 7932) of uncompressed meta-blocks.
        public static func brotli(_ data: Data) -> Data {
            var bits = BitWriter()
            bits.write(0, count: 1)  // WBITS = 16
            var offset = 0
            let bytes = [UInt8](data)
            while offset < bytes.count {
                let length = min(65536, bytes.count - offset)
                bits.write(0, count: 1)  // ISLAST = 0
                bits.write(0, count: 2)  // MNIBBLES = 4
                bits.write(UInt64(length - 1), count: 16)  // MLEN - 1
                bits.write(1, count: 1)  // ISUNCOMPRESSED
                bits.alignToByte()
                bits.bytes.append(contentsOf: bytes[offset..<(offset + length)])
                offset += length
            }
            bits.write(1, count: 1)  // ISLAST
            bits.write(1, count: 1)  // ISLASTEMPTY
            bits.alignToByte()
            return Data(bits.bytes)
        }

        /// `data` as a zstd frame (RFC 8878) of raw blocks, with its content size.
        public static func zstd(_ data: Data) -> Data {
            var out: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]  // magic, little-endian
            out.append(0xE0)  // 8-byte Frame_Content_Size, Single_Segment, no checksum, no dictionary
            var size = UInt64(data.count)
            for _ in 0..<8 {
                out.append(UInt8(size & 0xFF))
                size >>= 8
            }
            let bytes = [UInt8](data)
            var offset = 0
            repeat {
                let length = min(128 * 1024, bytes.count - offset)
                let last: UInt32 = offset + length == bytes.count ? 1 : 0
                let header = last | (0 << 1) | (UInt32(length) << 3)  // Raw_Block
                out.append(contentsOf: [UInt8(header & 0xFF), UInt8((header >> 8) & 0xFF), UInt8(header >> 16)])
                out.append(contentsOf: bytes[offset..<(offset + length)])
                offset += length
            } while offset < bytes.count
            return Data(out)
        }

        private struct BitWriter {
            var bytes: [UInt8] = []
            var used = 8  // bits used in the last byte; 8 means "start a new byte"

            mutating func write(_ value: UInt64, count: Int) {
                for i in 0..<count {
                    if used == 8 {
                        bytes.append(0)
                        used = 0
                    }
                    if (value >> UInt64(i)) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << used) }
                    used += 1
                }
            }

            mutating func alignToByte() { used = 8 }
        }

        private static func run(_ tool: String, _ arguments: [String]) throws -> Data {
            _ = try RequiredTool.path("gzip", install: "apt-get install gzip")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure("\(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
            }
            return data
        }
    }
}
