#include "influx/gzip.h"

#include <fmt/format.h>
#include <zlib.h>

namespace ntscada {
namespace {

// zlib's window bits for a gzip header and trailer instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;

}  // namespace

result<std::string, std::string> gzip_compress(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, 1, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return failure{std::string("zlib deflateInit2 failed")};
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int code = deflate(&stream, Z_FINISH);
  std::size_t written = stream.total_out;
  deflateEnd(&stream);
  if (code != Z_STREAM_END) {
    return failure{fmt::format("zlib deflate failed with code {}", code)};
  }
  out.resize(written);
  return out;
}

result<std::string, std::string> gzip_decompress(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    return failure{std::string("zlib inflateInit2 failed")};
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int code = Z_OK;
  while (code == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    code = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (code == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  if (code != Z_STREAM_END) {
    return failure{fmt::format("invalid gzip data (zlib code {})", code)};
  }
  return out;
}

}  // namespace ntscada
