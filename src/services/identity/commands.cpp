#include "services/identity/commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <sodium.h>

#include "auth/key_store.hpp"
#include "auth/passwords.hpp"
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "services/identity/revocations.hpp"
#include "services/identity/users_repository.hpp"
#include "services/identity/users_service.hpp"
#include "services/identity/validation.hpp"

namespace mercato::identity {

namespace {

namespace asio = boost::asio;

constexpr const char* kUsage =
    "usage: mercato-identity user add --email E --role admin|editor|viewer [--name N]   (password on stdin)\n"
    "       mercato-identity create-admin --email E [--name N]                           (password on stdin)\n"
    "       mercato-identity keys rotate [--activate-in DURATION]   (e.g. 10m: published now, signs from then)\n"
    "       mercato-identity keys list\n";

int usage(const std::string& problem) {
  std::fprintf(stderr, "mercato-identity: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

/// --flag value pairs; nullopt (after printing why) on anything else.
std::optional<std::map<std::string, std::string>> flags(const std::vector<std::string>& args, std::size_t from,
                                                        std::initializer_list<std::string_view> allowed) {
  std::map<std::string, std::string> out;
  for (std::size_t i = from; i < args.size(); i += 2) {
    const auto& f = args[i];
    bool known = false;
    for (auto a : allowed) known |= f == a;
    if (!known || i + 1 >= args.size()) {
      usage(known ? f + " needs a value" : "unknown argument \"" + f + "\"");
      return std::nullopt;
    }
    out[f] = args[i + 1];
  }
  return out;
}

/// One line from stdin without its line ending; without echo when stdin is a terminal.
std::string read_password(const std::string& email) {
  std::string line;
  if (::isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "Password for %s: ", email.c_str());
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int add_user(const config::Settings& s, asio::io_context& io, const std::string& email, const std::string& role,
             const std::optional<std::string>& name) {
  if (auto p = email_problem(email)) return usage("--email " + *p);
  if (auto p = role_problem(role)) return usage("--role " + *p);
  if (name)
    if (auto p = name_problem(*name)) return usage("--name " + *p);
  std::string password = read_password(email);
  if (auto p = auth::password_problem(password)) {
    std::fprintf(stderr, "mercato-identity: the password %s\n", p->c_str());
    return 1;
  }
  const std::string hash = auth::hash_password(password, auth::PasswordCost::interactive());
  sodium_memzero(password.data(), password.size());
  if (hash.empty()) {
    std::fprintf(stderr, "mercato-identity: could not hash the password (out of memory)\n");
    return 1;
  }
  if (auto st = db::migrate(s.db, s.migrations_dir + "/identity"); !st) {
    std::fprintf(stderr, "mercato-identity: %s\n", st.error().message.c_str());
    return 1;
  }

  db::Pool pool(io, s.db, "identity-cli");
  UsersRepository users(pool);
  // A reset user's old access tokens are revoked: the verifiers are told (those that miss it
  // read identity's list within a minute).
  BlockingRevocationSink revocations(s.redis);
  UsersService service(users, revocations);
  int code = 1;
  auto work = [&]() -> asio::awaitable<void> {
    NewUser u{email, name.value_or(""), role, hash};
    auto r = co_await service.upsert(std::move(u), !name.has_value(), kNoDeadline);
    if (!r) {
      std::fprintf(stderr, "mercato-identity: %s\n", r.error().message.c_str());
    } else {
      if (revocations.missed())
        std::fprintf(stderr, "mercato-identity: warning: Redis unreachable; verifiers learn of the reset within 60 s\n");
      std::printf("%s %s\n", r->created ? "created" : "updated", r->user.id.c_str());
      code = 0;
    }
    io.stop();
  };
  asio::co_spawn(io, work(), asio::detached);
  io.run();
  return code;
}

std::string utc(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int keys_command(const config::Settings& s, const std::vector<std::string>& args) {
  const std::string& what = args[1];
  const auto overlap = std::chrono::duration_cast<std::chrono::milliseconds>(s.jwt_access_ttl + s.jwt_clock_skew);
  if (what != "rotate" && args.size() > 2) return usage("keys " + what + " takes no arguments");
  if (what == "rotate") {
    // --activate-in: the new key is published at once and signs only once that much time has
    // passed, so every identity instance (a Kubernetes rollout of the keys' Secret) and every
    // verifier's JWKS knows it before the first token signed with it (docs/kubernetes.md).
    auto f = flags(args, 2, {"--activate-in"});
    if (!f) return 2;
    config::Duration ahead{0};
    if (f->count("--activate-in") && !config::parse_duration(f->at("--activate-in"), ahead))
      return usage("--activate-in takes a duration such as 90s, 10m or 1h, got \"" + f->at("--activate-in") + "\"");
    auto existing = auth::open_keys(s.jwt_keys_dir, auth::unix_now_ms());
    if (!existing) {
      std::fprintf(stderr, "mercato-identity: %s\n", existing.error().message.c_str());
      return 1;
    }
    // Strictly newer than every existing key, even if the clock stepped back.
    auto now = auth::unix_now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(ahead).count();
    for (const auto& k : *existing) now = std::max(now, k.created_ms + 1);
    auto key = auth::create_key(s.jwt_keys_dir, now);
    if (!key) {
      std::fprintf(stderr, "mercato-identity: %s\n", key.error().message.c_str());
      return 1;
    }
    existing->push_back(*key);
    auth::prune_keys(s.jwt_keys_dir, *existing, auth::unix_now_ms(), overlap);
    std::printf("%s\n", key->kid.c_str());
    return 0;
  }
  if (what == "list") {
    auto all = auth::load_keys(s.jwt_keys_dir);
    if (!all) {
      std::fprintf(stderr, "mercato-identity: %s\n", all.error().message.c_str());
      return 1;
    }
    const auto now = auth::unix_now_ms();
    const auto live = auth::live_keys(*all, now, overlap);
    const auto& signer = (*all)[auth::signing_index(*all, now)];
    for (const auto& k : *all) {
      const bool verifies =
          std::any_of(live.begin(), live.end(), [&](const auth::SigningKey& l) { return l.kid == k.kid; });
      const char* state = &k == &signer ? "signing" : k.created_ms > now ? "pending" : verifies ? "verifying" : "retired";
      std::printf("%s  %s  %s\n", k.kid.c_str(), utc(k.created_ms).c_str(), state);
    }
    return 0;
  }
  return usage("unknown keys command \"" + what + "\"");
}

}  // namespace

int run_command(const config::Settings& s, asio::io_context& io, const std::vector<std::string>& args) {
  const std::string& cmd = args[0];
  if (cmd == "keys") {
    if (args.size() < 2) return usage("keys takes one of rotate, list");
    return keys_command(s, args);
  }
  const bool create_admin = cmd == "create-admin";
  if (cmd == "user" || create_admin) {
    std::size_t from = 1;
    if (!create_admin) {
      if (args.size() < 2 || args[1] != "add") return usage("user takes: add");
      from = 2;
    }
    auto f =
        create_admin ? flags(args, from, {"--email", "--name"}) : flags(args, from, {"--email", "--role", "--name"});
    if (!f) return 2;
    if (!f->count("--email")) return usage("--email is required");
    if (!create_admin && !f->count("--role")) return usage("--role is required");
    std::optional<std::string> name;
    if (f->count("--name")) name = f->at("--name");
    return add_user(s, io, f->at("--email"), create_admin ? "admin" : f->at("--role"), name);
  }
  return usage("unknown command \"" + cmd + "\"");
}

}  // namespace mercato::identity
