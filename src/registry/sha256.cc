#include "registry/sha256.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <memory>

namespace ntscada {
namespace {

// Incremental SHA-256 over OpenSSL's EVP interface.
class sha256_digest {
 public:
  sha256_digest() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    ok_ = context_ &&
          EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1;
  }
  bool ok() const { return ok_; }
  void update(const char* data, std::size_t size) {
    ok_ = ok_ && EVP_DigestUpdate(context_.get(), data, size) == 1;
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &length);
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
      text += fmt::format("{:02x}", digest[i]);
    }
    return text;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
  bool ok_ = false;
};

}  // namespace

result<std::string, std::string> sha256_of_file(
    const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return failure{fmt::format("cannot read {}", path.string())};
  sha256_digest digest;
  char buffer[1 << 16];
  while (file) {
    file.read(buffer, sizeof buffer);
    if (file.gcount() > 0) {
      digest.update(buffer, static_cast<std::size_t>(file.gcount()));
    }
  }
  if (file.bad()) return failure{fmt::format("cannot read {}", path.string())};
  if (!digest.ok()) return failure{std::string("SHA-256 digest failed")};
  return digest.hex();
}

std::string sha256_hex(std::string_view data) {
  sha256_digest digest;
  digest.update(data.data(), data.size());
  return digest.hex();
}

}  // namespace ntscada
