#include "registry/sha256.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <memory>

namespace ntscada {

result<std::string, std::string> sha256_of_file(
    const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return failure{fmt::format("cannot read {}", path.string())};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context ||
      EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return failure{std::string("cannot start a SHA-256 digest")};
  }
  char buffer[1 << 16];
  while (file) {
    file.read(buffer, sizeof buffer);
    if (file.gcount() > 0) {
      EVP_DigestUpdate(context.get(), buffer,
                       static_cast<std::size_t>(file.gcount()));
    }
  }
  if (file.bad()) return failure{fmt::format("cannot read {}", path.string())};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

}  // namespace ntscada
