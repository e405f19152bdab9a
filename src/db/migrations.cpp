#include "db/migrations.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <libpq-fe.h>
#include <poll.h>
#include <sodium.h>

#include "core/log.hpp"
#include "db/errors.hpp"
#include "db/libpq_target.hpp"
#include "db/result.hpp"

namespace mercato::db {

namespace {

// Advisory locks are per database, so services sharing a server do not wait for each other.
// The key is "mercato" in ASCII.
constexpr const char* lock_key = "30792264052368495";

Error migration_error(std::string message) { return internal_error("migrations: " + std::move(message)); }

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void log_notice(void*, const char* message) { log::debug("db notice", {{"message", trimmed(message)}}); }

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;

// Runs `sql` (several statements allowed when there are no params). The error message keeps
// the server's text: it goes to the start-up log, never to a client.
Result<QueryResult> exec(PGconn* conn, const std::string& sql, const std::vector<std::string>& params = {}) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  QueryResult res(params.empty() ? PQexec(conn, sql.c_str())
                                 : PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                values.data(), nullptr, nullptr, 0));
  auto status = res.native() ? PQresultStatus(res.native()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return res;
  const char* state = res.native() ? PQresultErrorField(res.native(), PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res.native() ? PQresultErrorField(res.native(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  Error e = state ? statement_error(state) : connection_error();
  e.message = state && primary ? "SQLSTATE " + std::string(state) + ": " + primary : trimmed(PQerrorMessage(conn));
  return e;
}

// PQconnectdbParams, but with verbose errors from the first message on, so a refused login
// carries its SQLSTATE ("FATAL:  28P01: password authentication failed ..."): libpq offers no
// other way to read the SQLSTATE of a failed connection, and the server's text is localised.
// libpq's connect_timeout only applies to its blocking calls: `timeout` bounds the whole poll.
PGconn* connect_verbose(const char* const* keys, const char* const* values, std::chrono::seconds timeout) {
  PGconn* conn = PQconnectStartParams(keys, values, 0);
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) return conn;
  PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  PostgresPollingStatusType step = PGRES_POLLING_WRITING;
  while (step != PGRES_POLLING_OK && step != PGRES_POLLING_FAILED) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd pfd{PQsocket(conn), static_cast<short>(step == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    const int ready = left.count() > 0 ? ::poll(&pfd, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      PQfinish(conn);
      return nullptr;  // timed out: reported as unreachable
    }
    step = PQconnectPoll(conn);
  }
  return conn;
}

// The SQLSTATE and message of a refused login in a verbose connection error, such as
// "connection to server ... failed: FATAL:  28P01: password authentication failed for user
// \"x\"". Empty when the server never answered (refused TCP connection, timeout).
std::pair<std::string, std::string> login_refusal(const std::string& error) {
  for (std::string_view level : {"FATAL:  ", "ERROR:  "}) {
    const auto at = error.find(level);
    if (at == std::string::npos) continue;
    std::string rest = error.substr(at + level.size());
    const auto colon = rest.find(": ");
    if (colon != 5) continue;  // not "XXXXX: "
    std::string text = rest.substr(colon + 2);
    if (const auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return {rest.substr(0, 5), text};
  }
  return {};
}

// Class 28 (invalid authorization: wrong password, no pg_hba.conf entry), 3D000 (no such
// database) and 42501 (CONNECT not granted) will not go away by retrying.
bool is_login_refusal(std::string_view sqlstate) {
  return sqlstate.starts_with("28") || sqlstate == "3D000" || sqlstate == "42501";
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return migration_error("cannot read " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

struct Applied {
  std::string file_name;
  std::string checksum;
};


Status record(PGconn* conn, const MigrationFile& file, const std::string& checksum) {
  if (auto recorded = exec(conn, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                           {std::to_string(file.version), file.file_name, checksum});
      !recorded) {
    return migration_error("cannot record " + file.file_name + ": " + recorded.error().message);
  }
  return {};
}

// The default: the whole file and its record in one transaction, so a failure leaves nothing.
Status apply_in_transaction(PGconn* conn, const MigrationFile& file, const std::string& contents,
                            const std::string& checksum) {
  Status step = exec(conn, "BEGIN") ? Status{} : Status(migration_error("cannot begin"));
  if (step) {
    if (auto ran = exec(conn, contents); !ran) {
      step = migration_error("migration " + file.file_name + " failed: " + ran.error().message);
    }
  }
  if (step) step = record(conn, file, checksum);
  if (step) {
    if (auto committed = exec(conn, "COMMIT"); !committed) {
      step = migration_error("migration " + file.file_name + " failed at commit: " + committed.error().message);
    }
  }
  if (!step) exec(conn, "ROLLBACK");
  return step;
}

// Whether index `name` (as a migration wrote it) exists and is INVALID: what a failed or
// interrupted CREATE INDEX CONCURRENTLY leaves behind.
Result<bool> index_is_invalid(PGconn* conn, const std::string& name) {
  auto r = exec(conn, "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", {name});
  if (!r) return std::move(r).error();
  return r->rows() > 0 && r->get_bool(0, 0).value_or(false);
}

// A file marked kNoTransactionMarker: each statement alone, then the record.
Status apply_statement_by_statement(PGconn* conn, const MigrationFile& file, const std::string& contents,
                                    const std::string& checksum) {
  auto statements = split_statements(contents);
  if (!statements) {
    return migration_error("migration " + file.file_name + " cannot be split into statements: " +
                           statements.error().message);
  }
  const auto indexes = concurrent_index_names(*statements);
  // An earlier run failed half way through building one of this file's indexes: IF NOT EXISTS
  // would keep the broken one, so drop it first (concurrently too: writes go on meanwhile).
  for (const auto& name : indexes) {
    auto invalid = index_is_invalid(conn, name);
    if (!invalid) return std::move(invalid).error();
    if (!*invalid) continue;
    log::warn("migrations: rebuilding an index an earlier run left INVALID", {{"file", file.file_name}, {"index", name}});
    if (auto dropped = exec(conn, "DROP INDEX CONCURRENTLY IF EXISTS " + name); !dropped) {
      return migration_error("cannot drop INVALID index " + name + " of " + file.file_name + ": " +
                             dropped.error().message);
    }
  }
  std::string failure;
  for (std::size_t i = 0; i < statements->size() && failure.empty(); ++i) {
    if (auto ran = exec(conn, (*statements)[i]); !ran) {
      failure = "statement " + std::to_string(i + 1) + " of " + std::to_string(statements->size()) + " failed: " +
                ran.error().message;
    }
  }
  std::string left_invalid;
  for (const auto& name : indexes) {
    auto invalid = index_is_invalid(conn, name);
    if (!invalid) return std::move(invalid).error();
    if (*invalid) left_invalid += (left_invalid.empty() ? "" : ", ") + name;
  }
  if (!left_invalid.empty()) {
    failure += std::string(failure.empty() ? "" : "; ") + "index " + left_invalid +
               " is INVALID (dropped and rebuilt on the next run)";
  }
  if (!failure.empty()) {
    return migration_error("migration " + file.file_name + " (no transaction) failed: " + failure +
                           "; statements before the failure stay applied, the file is not recorded");
  }
  return record(conn, file, checksum);
}

}  // namespace

Result<std::vector<MigrationFile>> order_migrations(const std::vector<std::string>& file_names) {
  std::vector<MigrationFile> files;
  for (const auto& name : file_names) {
    if (!name.ends_with(".sql")) continue;
    const auto underscore = name.find('_');
    int version = 0;
    const char* first = name.data();
    const char* digits_end = underscore == std::string::npos ? first : first + underscore;
    auto [end, ec] = std::from_chars(first, digits_end, version);
    const bool well_formed = underscore != std::string::npos && underscore > 0 && ec == std::errc() &&
                             end == digits_end && version > 0 && name.size() > underscore + 1 + 4;
    if (!well_formed) return migration_error("file name " + name + " is not NNNN_name.sql");
    files.push_back({version, name});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.version != b.version ? a.version < b.version : a.file_name < b.file_name;
  });
  for (std::size_t i = 0; i < files.size(); ++i) {
    const int expected = static_cast<int>(i) + 1;
    if (files[i].version == expected) continue;
    if (files[i].version < expected) {
      return migration_error("files " + files[i - 1].file_name + " and " + files[i].file_name +
                             " have the same number");
    }
    return migration_error("migration number " + std::to_string(expected) + " is missing (next file is " +
                           files[i].file_name + ")");
  }
  return files;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(sizeof digest * 2);
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out;
}

bool runs_outside_transaction(std::string_view contents) {
  if (!contents.starts_with(kNoTransactionMarker)) return false;
  std::string_view rest = contents.substr(kNoTransactionMarker.size());
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '\r')) rest.remove_prefix(1);
  return rest.empty() || rest.front() == '\n';
}

Result<std::vector<std::string>> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  bool has_code = false;  // current holds more than whitespace and comments
  auto flush = [&] {
    if (has_code) {
      std::size_t b = current.find_first_not_of(" \t\r\n");
      std::size_t e = current.find_last_not_of(" \t\r\n");
      out.push_back(current.substr(b, e - b + 1));
    }
    current.clear();
    has_code = false;
  };
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // line comment: dropped
      while (i < n && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {  // block comment (PostgreSQL nests them): dropped
      int depth = 0;
      do {
        if (i + 1 < n && sql[i] == '/' && sql[i + 1] == '*') ++depth, i += 2;
        else if (i + 1 < n && sql[i] == '*' && sql[i + 1] == '/') --depth, i += 2;
        else if (i < n) ++i;
      } while (depth > 0 && i < n);
      if (depth > 0) return migration_error("unterminated block comment");
      current += ' ';
      continue;
    }
    if (c == ';') {
      flush();
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (c == '\'' || c == '"') {
      // E'…' strings take backslash escapes; in the others only a doubled quote escapes.
      const bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                               (i < 2 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
      ++i;
      bool closed = false;
      while (i < n) {
        if (backslashes && sql[i] == '\\') {
          i += 2;
          continue;
        }
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) return migration_error(std::string("unterminated ") + (c == '"' ? "quoted identifier" : "string"));
    } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
      // $tag$ … $tag$ (a tag is letters, digits and underscores, not starting with a digit);
      // `$1` is a parameter, not a quote.
      std::size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      const bool is_tag = j < n && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])));
      if (!is_tag) {
        ++i;
      } else {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const auto end = sql.find(tag, j + 1);
        if (end == std::string_view::npos) return migration_error("unterminated " + std::string(tag) + " body");
        i = end + tag.size();
      }
    } else {
      ++i;
    }
    current.append(sql.substr(start, i - start));
    if (std::string_view(sql.substr(start, i - start)).find_first_not_of(" \t\r\n") != std::string_view::npos)
      has_code = true;
  }
  flush();
  return out;
}

std::vector<std::string> concurrent_index_names(const std::vector<std::string>& statements) {
  std::vector<std::string> names;
  for (const auto& st : statements) {
    // Words of the statement's head, upper-cased; names keep their spelling.
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < st.size() && words.size() < 9) {
      while (i < st.size() && std::isspace(static_cast<unsigned char>(st[i]))) ++i;
      const std::size_t b = i;
      while (i < st.size() && !std::isspace(static_cast<unsigned char>(st[i])) && st[i] != '(') ++i;
      if (i == b) break;
      words.emplace_back(st.substr(b, i - b));
    }
    auto upper = [](std::string w) {
      for (char& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return w;
    };
    std::size_t k = 0;
    auto next_is = [&](std::string_view w) {
      if (k < words.size() && upper(words[k]) == w) {
        ++k;
        return true;
      }
      return false;
    };
    if (!next_is("CREATE")) continue;
    next_is("UNIQUE");
    if (!next_is("INDEX") || !next_is("CONCURRENTLY")) continue;
    if (next_is("IF") && !(next_is("NOT") && next_is("EXISTS"))) continue;
    if (k < words.size() && upper(words[k]) != "ON") names.push_back(words[k]);
  }
  return names;
}

Status migrate(const config::DbSettings& settings, const std::string& dir) {
  std::error_code fs_error;
  if (!std::filesystem::is_directory(dir, fs_error)) return migration_error("directory " + dir + " does not exist");
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir, fs_error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (fs_error) return migration_error("cannot list " + dir + ": " + fs_error.message());
  auto files = order_migrations(names);
  if (!files) return std::move(files).error();

  // libpq's connect_timeout is whole seconds; 0 would mean "wait forever".
  const auto timeout_s = std::max<long long>(
      2, std::chrono::duration_cast<std::chrono::seconds>(settings.connect_timeout + std::chrono::milliseconds(999))
             .count());
  // The primary's host list and target_session_attrs, as the pool uses them: migrations must
  // run on whichever node accepts writes. connect_timeout applies to each host libpq tries.
  const LibpqTarget target = libpq_target(settings);
  const std::string timeout = std::to_string(timeout_s);
  const std::pair<const char*, const std::string*> options[] = {
      {"host", &target.host}, {"port", &target.port},       {"user", &settings.user},
      {"password", &settings.password}, {"dbname", &settings.name}, {"sslmode", &settings.sslmode},
      {"connect_timeout", &timeout}, {"target_session_attrs", &target.target_session_attrs},
  };
  std::vector<const char*> keys{"application_name"}, values{"mercato-migrate"};
  for (const auto& [key, value] : options) {
    if (value->empty()) continue;
    keys.push_back(key);
    values.push_back(value->c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  ConnPtr conn(connect_verbose(keys.data(), values.data(), std::chrono::seconds(timeout_s)));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string why = conn ? trimmed(PQerrorMessage(conn.get())) : "connect timeout";
    if (auto [state, text] = login_refusal(why); is_login_refusal(state)) {
      Error e = internal_error("PostgreSQL at " + describe_hosts(settings) + " refused DB_USER=\"" + settings.user +
                               "\" for database " + settings.name + ": " + text + " (SQLSTATE " + state +
                               "; check DB_USER, DB_PASSWORD and DB_NAME)");
      e.reason = std::string(reason::login_refused);
      return e;
    }
    log::error("migrations: cannot connect", {{"error", why}});
    return connection_error();
  }
  PQsetNoticeProcessor(conn.get(), log_notice, nullptr);

  // Held until this session ends (PQfinish), including on every error return below. Tried
  // rather than waited for (migrations.hpp says why); each try is a short statement of its own.
  for (int tries = 0;; ++tries) {
    auto locked = exec(conn.get(), "SELECT pg_try_advisory_lock($1::bigint)", {lock_key});
    if (!locked) return std::move(locked).error();
    if (locked->get_bool(0, 0).value_or(false)) break;
    if (tries == 50) log::info("migrations: waiting for another process applying them");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (auto created = exec(conn.get(),
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version integer PRIMARY KEY,"
                          " name text NOT NULL,"
                          " checksum text NOT NULL,"
                          " applied_at timestamptz NOT NULL DEFAULT now())");
      !created) {
    return std::move(created).error();
  }
  auto rows = exec(conn.get(), "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  if (!rows) return std::move(rows).error();
  std::map<int, Applied> applied;
  for (int r = 0; r < rows->rows(); ++r) {
    applied[static_cast<int>(rows->get_int64(r, 0).value_or(0))] = {std::string(rows->get(r, 1)),
                                                                     std::string(rows->get(r, 2))};
  }

  int newly_applied = 0;
  for (const auto& file : *files) {
    auto contents = read_file(std::filesystem::path(dir) / file.file_name);
    if (!contents) return std::move(contents).error();
    const std::string checksum = sha256_hex(*contents);

    if (auto it = applied.find(file.version); it != applied.end()) {
      if (it->second.file_name != file.file_name) {
        return migration_error("migration " + std::to_string(file.version) + " was applied as " +
                               it->second.file_name + " but the file is now " + file.file_name);
      }
      if (it->second.checksum != checksum) {
        return migration_error("migration " + file.file_name + " was changed after it was applied (checksum " +
                               it->second.checksum.substr(0, 12) + "…≠" + checksum.substr(0, 12) + "…)");
      }
      continue;
    }

    const auto started = std::chrono::steady_clock::now();
    const bool outside = runs_outside_transaction(*contents);
    Status step = outside ? apply_statement_by_statement(conn.get(), file, *contents, checksum)
                          : apply_in_transaction(conn.get(), file, *contents, checksum);
    if (!step) return step;  // the caller logs it and stops
    ++newly_applied;
    log::info("migration applied",
              {{"file", file.file_name},
               {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}});
  }

  if (!applied.empty() && applied.rbegin()->first > static_cast<int>(files->size())) {
    log::warn("database has migrations this build does not know",
              {{"database_version", applied.rbegin()->first}, {"files", files->size()}});
  }
  exec(conn.get(), "SELECT pg_advisory_unlock($1::bigint)", {lock_key});
  log::info("migrations up to date", {{"dir", dir}, {"applied", newly_applied}, {"total", files->size()}});
  return {};
}

}  // namespace mercato::db
