#include "auth/key_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>
#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/jwks.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"

namespace mercato::auth {

namespace fs = std::filesystem;

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

constexpr std::string_view kSuffix = ".jwk";

Error key_error(const std::string& what) { return Error{ErrorCode::internal, "keys: " + what}; }

std::string errno_text() { return std::strerror(errno); }

// Group or other access to a secret is a mistake worth fixing rather than refusing to start
// over: tighten it and say so.
void tighten(const std::string& path, mode_t wanted) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  if ((st.st_mode & 077) != 0) {
    ::chmod(path.c_str(), wanted);
    log::warn("key path was readable by others; permissions tightened", {{"path", path}});
  }
}

Status ensure_dir(const std::string& dir) {
  std::error_code ec;
  const fs::path p(dir);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return key_error("cannot create directory " + dir + ": " + errno_text());
  tighten(dir, 0700);
  return {};
}

std::string render_private(const SigningKey& k) {
  std::string out;
  json::Writer w(out);
  const auto b64 = [](const unsigned char* p, std::size_t n) {
    return base64url_encode({reinterpret_cast<const char*>(p), n});
  };
  std::string d = b64(k.secret_key.data(), 32);  // libsodium's secret key starts with the seed
  w.begin_object().key("kty").string("OKP").key("crv").string("Ed25519").key("kid").string(k.kid);
  w.key("x").string(b64(k.public_key.data(), k.public_key.size())).key("d").string(d);
  w.key("created_ms").integer(k.created_ms).end_object();
  sodium_memzero(d.data(), d.size());
  out.push_back('\n');
  return out;
}

Result<SigningKey> parse_private(const std::string& text, const std::string& file) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(text).get_object().get(o)) return key_error(file + ": not a JSON object");
  std::string_view kty, crv, kid, x, d;
  std::int64_t created = 0;
  if (o["kty"].get(kty) || o["crv"].get(crv) || o["kid"].get(kid) || o["x"].get(x) || o["d"].get(d) ||
      o["created_ms"].get(created) || kty != "OKP" || crv != "Ed25519")
    return key_error(file + ": not an Ed25519 private JWK with kid and created_ms");
  unsigned char seed[32];
  if (!base64url_decode_exact(d, seed, sizeof seed)) return key_error(file + ": bad d");
  auto key = SigningKey::from_seed(seed, created);
  sodium_memzero(seed, sizeof seed);
  if (key.kid != kid || base64url_encode({reinterpret_cast<const char*>(key.public_key.data()), 32}) != x)
    return key_error(file + ": kid or x does not match the key");
  return key;
}

Status write_key_file(const std::string& dir, const SigningKey& k) {
  const std::string final_path = dir + "/" + k.kid + std::string(kSuffix);
  const std::string tmp = dir + "/.tmp-" + k.kid;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return key_error("cannot create " + tmp + ": " + errno_text());
  std::string body = render_private(k);
  const bool written = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && ::fsync(fd) == 0;
  sodium_memzero(body.data(), body.size());
  ::close(fd);
  // Renamed into place so a reader never sees half a key.
  if (!written || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return key_error("cannot write " + final_path + ": " + errno_text());
  }
  return {};
}

/// Holds an exclusive flock on dir/.lock for its lifetime.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    fd_ = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

bool older(const SigningKey& a, const SigningKey& b) {
  return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.kid < b.kid;
}

}  // namespace

Result<std::vector<SigningKey>> load_keys(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return key_error("no directory " + dir);
  tighten(dir, 0700);
  std::vector<SigningKey> keys;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !name.ends_with(kSuffix)) continue;
    const std::string path = entry.path().string();
    tighten(path, 0600);
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return key_error("cannot read " + path);
    std::string text = ss.str();
    auto key = parse_private(text, path);
    sodium_memzero(text.data(), text.size());
    if (!key) return std::move(key).error();
    keys.push_back(std::move(*key));
  }
  if (ec) return key_error("cannot list " + dir + ": " + ec.message());
  std::sort(keys.begin(), keys.end(), older);
  return keys;
}

Result<SigningKey> create_key(const std::string& dir, std::int64_t now_ms) {
  if (auto st = ensure_dir(dir); !st) return std::move(st).error();
  auto key = SigningKey::generate(now_ms);
  if (auto st = write_key_file(dir, key); !st) return std::move(st).error();
  return key;
}

Result<std::vector<SigningKey>> open_keys(const std::string& dir, std::int64_t now_ms) {
  if (auto st = ensure_dir(dir); !st) return std::move(st).error();
  DirLock lock(dir);
  auto keys = load_keys(dir);
  if (!keys || !keys->empty()) return keys;
  auto key = create_key(dir, now_ms);
  if (!key) return std::move(key).error();
  log::info("created the first token signing key", {{"kid", key->kid}, {"dir", dir}});
  std::vector<SigningKey> out;
  out.push_back(std::move(*key));
  return out;
}

std::size_t signing_index(const std::vector<SigningKey>& all, std::int64_t now_ms) {
  for (std::size_t i = all.size(); i-- > 0;)
    if (all[i].created_ms <= now_ms) return i;
  return 0;
}

std::vector<SigningKey> live_keys(const std::vector<SigningKey>& all, std::int64_t now_ms,
                                  std::chrono::milliseconds overlap) {
  std::vector<SigningKey> live;
  for (std::size_t i = 0; i < all.size(); ++i) {
    // A key stopped signing when the next one's time came; its tokens live `overlap` more. A
    // key still to come has a successor later still, so it is kept by the same rule.
    const bool newest = i + 1 == all.size();
    if (newest || all[i + 1].created_ms + overlap.count() > now_ms) live.push_back(all[i]);
  }
  return live;
}

void prune_keys(const std::string& dir, const std::vector<SigningKey>& all, std::int64_t now_ms,
                std::chrono::milliseconds overlap) {
  const auto keep = live_keys(all, now_ms, overlap * 2);
  for (const auto& k : all) {
    const bool live = std::any_of(keep.begin(), keep.end(), [&](const SigningKey& l) { return l.kid == k.kid; });
    if (!live) {
      ::unlink((dir + "/" + k.kid + std::string(kSuffix)).c_str());
      log::info("deleted an expired token signing key", {{"kid", k.kid}});
    }
  }
}

Result<std::shared_ptr<LocalKeys>> LocalKeys::open(std::string dir, std::chrono::milliseconds overlap) {
  auto all = open_keys(dir, unix_now_ms());
  if (!all) return std::move(all).error();
  std::shared_ptr<LocalKeys> lk(new LocalKeys(std::move(dir), overlap));
  lk->install(*all);
  lk->last_reload_ms_ = unix_now_ms();
  return lk;
}

metrics::Gauge& signing_key_created_gauge() {
  static auto& g = metrics::Registry::global()
                       .gauge("identity_signing_key_created_timestamp_seconds",
                              "Creation time of the token signing key in use, in seconds since the Unix epoch.")
                       .with({});
  return g;
}

void LocalKeys::install(const std::vector<SigningKey>& all) {
  auto snap = std::make_shared<Snapshot>();
  const auto now = unix_now_ms();
  snap->signer = all[signing_index(all, now)];
  auto set = std::make_shared<KeySet>();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i + 1 == all.size()) {
      set->add(all[i].kid, all[i].public_key);  // the newest key (signing, or still to come): no end yet
      continue;
    }
    // Signing until its successor's time comes, or retiring since: its last token (and the
    // clock leeway) ends `overlap` later. Published with that end, so verifiers drop it then
    // even if they cannot refetch (live_keys() has the same rule).
    const std::int64_t end_ms = all[i + 1].created_ms + overlap_.count();
    if (end_ms > now) set->add(all[i].kid, all[i].public_key, (end_ms + 999) / 1000);
  }
  snap->jwks = render_jwks(*set);
  snap->verify = std::move(set);
  const auto old = snap_.load();
  if (!old || old->signer.kid != snap->signer.kid || old->jwks != snap->jwks)
    log::info("token keys loaded", {{"signing_kid", snap->signer.kid}, {"published", snap->verify->size()}});
  // A timestamp rather than an age: it changes only on rotation, and PromQL's time() minus it
  // is the age at any evaluation (the SigningKeyRotationOverdue alert).
  signing_key_created_gauge().set(static_cast<double>(snap->signer.created_ms) / 1000.0);
  snap_.store(std::move(snap));
}

Status LocalKeys::reload() {
  last_reload_ms_ = unix_now_ms();
  auto all = load_keys(dir_);
  if (!all || all->empty()) {
    const std::string why = all ? "no keys left in " + dir_ : all.error().message;
    log::error("cannot reload token keys; keeping the current ones", {{"error", why}});
    return key_error(why);
  }
  install(*all);
  return {};
}

std::shared_ptr<const KeySet> LocalKeys::keys() const { return snap_.load()->verify; }

asio::awaitable<std::shared_ptr<const KeySet>> LocalKeys::refresh_for(std::string kid) {
  // Reading a few small files is quick enough to do inline, but not on every request that
  // carries a made-up kid.
  if (unix_now_ms() - last_reload_ms_.load() >= 1000) reload();
  co_return keys();
}

}  // namespace mercato::auth
