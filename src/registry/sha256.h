#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ntscada {

// Returns the SHA-256 of a file's contents as 64 lower-case hex digits,
// computed with OpenSSL.
result<std::string, std::string> sha256_of_file(
    const std::filesystem::path& path);

// Returns the SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace ntscada
