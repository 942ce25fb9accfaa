#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ntscada {

// Compresses `data` into a gzip stream (RFC 1952) with zlib at level 1,
// the fastest: line protocol repeats its measurement and tags on every
// line, so even level 1 shrinks it several times.
result<std::string, std::string> gzip_compress(std::string_view data);

// Decompresses a whole gzip stream. Used by tests.
result<std::string, std::string> gzip_decompress(std::string_view data);

}  // namespace ntscada
