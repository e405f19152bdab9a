#include "db/statement_trace.hpp"

#include <algorithm>
#include <cctype>

namespace mercato::db {

namespace {

// ---- reading just enough SQL to name a statement ----
// Written here: no SQL tokenizer is packaged for C++ on Debian, and a summary needs only the
// words at the top nesting level, with literals, quoted names, comments and dollar quotes
// skipped (so no value can be mistaken for, or copied as, a name).

struct Token {
  std::string_view text;  // a word: keyword or unquoted identifier, possibly schema-qualified
  int depth = 0;          // parentheses around it
};

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

class Words {
 public:
  explicit Words(std::string_view sql) : s_(sql) {}

  /// The next word, or false at the end.
  bool next(Token& out) {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      const char d = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
      if (c == '-' && d == '-') {
        skip_past('\n');
      } else if (c == '/' && d == '*') {
        skip_block_comment();
      } else if (c == '\'') {
        skip_string(escapes_);
      } else if (c == '"') {
        ++i_;
        skip_quoted('"');
      } else if (c == '$') {
        skip_dollar();
      } else if (c == '(') {
        ++depth_;
        ++i_;
      } else if (c == ')') {
        depth_ = std::max(0, depth_ - 1);
        ++i_;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        while (i_ < s_.size() && (word_char(s_[i_]) || s_[i_] == '.')) ++i_;  // 1.5e3, not a word
      } else if (word_start(c)) {
        const std::size_t start = i_;
        while (i_ < s_.size() && (word_char(s_[i_]) || (s_[i_] == '.' && i_ + 1 < s_.size() && word_start(s_[i_ + 1]))))
          ++i_;
        out = {s_.substr(start, i_ - start), depth_};
        // E'...' is a string with backslash escapes.
        escapes_ = (out.text == "E" || out.text == "e") && i_ < s_.size() && s_[i_] == '\'';
        return true;
      } else {
        ++i_;
      }
      escapes_ = false;
    }
    return false;
  }

 private:
  void skip_past(char end) {
    while (i_ < s_.size() && s_[i_] != end) ++i_;
    if (i_ < s_.size()) ++i_;
  }
  void skip_block_comment() {  // PostgreSQL's block comments nest
    int nested = 0;
    while (i_ + 1 < s_.size()) {
      if (s_[i_] == '/' && s_[i_ + 1] == '*') {
        ++nested;
        i_ += 2;
      } else if (s_[i_] == '*' && s_[i_ + 1] == '/') {
        i_ += 2;
        if (--nested == 0) return;
      } else {
        ++i_;
      }
    }
    i_ = s_.size();
  }
  void skip_string(bool backslash_escapes) {
    ++i_;
    while (i_ < s_.size()) {
      if (backslash_escapes && s_[i_] == '\\') {
        i_ += 2;
      } else if (s_[i_] == '\'') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '\'') i_ += 2;
        else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
  }
  void skip_quoted(char q) {  // after the opening quote; a doubled quote is one character
    while (i_ < s_.size()) {
      if (s_[i_] == q) {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == q) i_ += 2;
        else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
  }
  void skip_dollar() {  // $1 (a parameter) or $tag$ ... $tag$ (a dollar-quoted string)
    std::size_t j = i_ + 1;
    while (j < s_.size() && (word_char(s_[j]) && s_[j] != '$')) ++j;
    if (j < s_.size() && s_[j] == '$' && (j == i_ + 1 || word_start(s_[i_ + 1]))) {
      const std::string_view tag = s_.substr(i_, j - i_ + 1);
      const auto end = s_.find(tag, j + 1);
      i_ = end == std::string_view::npos ? s_.size() : end + tag.size();
      return;
    }
    i_ = j;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool escapes_ = false;
};

std::string upper(std::string_view w) {
  std::string out(w);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view w) {
  std::string out(w);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is(std::string_view word, std::string_view keyword) {
  return word.size() == keyword.size() && std::equal(word.begin(), word.end(), keyword.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

bool main_keyword(std::string_view w) {
  return is(w, "SELECT") || is(w, "INSERT") || is(w, "UPDATE") || is(w, "DELETE") || is(w, "MERGE");
}

struct Summary {
  std::string operation;
  std::string table;
};

Summary summarize(std::string_view sql) {
  Words words(sql);
  Token t;
  if (!words.next(t)) return {};
  if (is(t.text, "WITH")) {
    // The main statement is the first of its keywords outside the CTEs' parentheses.
    bool found = false;
    while (!found && words.next(t)) found = t.depth == 0 && main_keyword(t.text);
    if (!found) return {"WITH", {}};
  }
  Summary out{upper(t.text), {}};
  const int depth = t.depth;
  // The word after which the table is named: FROM for SELECT and DELETE, INTO for INSERT and
  // MERGE, UPDATE itself for UPDATE.
  std::string_view marker = out.operation == "SELECT" || out.operation == "DELETE" ? "FROM"
                            : out.operation == "INSERT" || out.operation == "MERGE" ? "INTO"
                            : out.operation == "UPDATE"                             ? "UPDATE"
                                                                                    : "";
  if (marker.empty()) return out;
  bool after_marker = marker == "UPDATE";
  while (words.next(t)) {
    if (t.depth < depth) break;
    if (t.depth > depth) {
      if (after_marker) break;  // FROM (subquery): no table to name
      continue;
    }
    if (!after_marker) {
      after_marker = is(t.text, marker);
      continue;
    }
    if (is(t.text, "ONLY") || is(t.text, "LATERAL")) continue;
    out.table = lower(t.text);
    break;
  }
  return out;
}

constexpr std::size_t max_name = 200;

void common_attributes(trace::Span& span, const Endpoint& at) {
  span.set("db.system.name", "postgresql");
  span.set("db.namespace", at.database);
  span.set("server.address", at.host);
  span.set("server.port", at.port);
}

void describe(trace::Span& span, const Statement& st) {
  span.set("db.operation.name", operation_name(st.sql));
  span.set("db.query.summary", query_summary(st.sql));
  if (!st.prepared_name.empty()) span.set("mercato.db.statement", st.prepared_name);
}

std::string label(const Statement& st) {
  if (!st.prepared_name.empty()) return st.prepared_name;
  std::string s = query_summary(st.sql);
  return s.empty() ? std::string("postgresql") : s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::string operation_name(std::string_view sql) { return summarize(sql).operation; }

std::string query_summary(std::string_view sql) {
  const Summary s = summarize(sql);
  std::string out = s.table.empty() ? s.operation : s.operation + " " + s.table;
  if (out.size() > max_name) out.resize(max_name);
  return out;
}

trace::Span statement_span(const trace::Scope& scope, const Statement& st, const Endpoint& at) {
  if (!traced(scope)) return {};
  trace::Span span = scope.start(label(st), trace::SpanKind::client);
  common_attributes(span, at);
  describe(span, st);
  return span;
}

trace::Span pipeline_span(const trace::Scope& scope, const std::vector<Statement>& sts, const Endpoint& at) {
  if (!traced(scope)) return {};
  std::string names;
  for (const auto& st : sts) {
    if (!names.empty()) names += ", ";
    names += label(st);
    if (names.size() > max_name) break;
  }
  if (names.size() > max_name) names.resize(max_name);
  trace::Span span = scope.start("pipeline " + names, trace::SpanKind::client);
  common_attributes(span, at);
  span.set("db.operation.name", "PIPELINE");
  span.set("db.operation.batch.size", static_cast<std::int64_t>(sts.size()));
  span.set("mercato.db.statements", names);
  return span;
}

trace::Span transaction_span(const trace::Scope& scope, const Endpoint& at) {
  if (!traced(scope)) return {};
  trace::Span span = scope.start("transaction", trace::SpanKind::client);
  common_attributes(span, at);
  return span;
}

void note_pool_wait(trace::Span& span, std::chrono::steady_clock::duration waited) {
  if (!span.recording()) return;
  span.set("mercato.db.pool_wait_ms", std::chrono::duration<double, std::milli>(waited).count());
}

void note_result(trace::Span& span, const Result<QueryResult>& r) {
  if (!span.recording()) return;
  if (!r) {
    note_error(span, r.error());
    return;
  }
  span.set("db.response.returned_rows", static_cast<std::int64_t>(r->rows()));
  const std::string_view tag = r->command_tag();
  if (starts_with(tag, "INSERT") || starts_with(tag, "UPDATE") || starts_with(tag, "DELETE") ||
      starts_with(tag, "MERGE"))
    span.set("mercato.db.affected_rows", r->affected_rows());
}

void note_results(trace::Span& span, const std::vector<Result<QueryResult>>& rs) {
  if (!span.recording()) return;
  std::int64_t rows = 0;
  for (const auto& r : rs) {
    if (!r) {
      note_error(span, r.error());
      return;
    }
    rows += r->rows();
  }
  span.set("db.response.returned_rows", rows);
}

void note_error(trace::Span& span, const Error& e) {
  if (!span.recording()) return;
  const std::string_view reason = e.reason.empty() ? std::string_view("error") : std::string_view(e.reason);
  span.set("error.type", reason);
  // A SQLSTATE: five digits or upper-case letters (errors.hpp keeps it as the reason).
  if (reason.size() == 5 && std::all_of(reason.begin(), reason.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c));
      }))
    span.set("db.response.status_code", reason);
  span.set_error(reason);
}

std::string sql_comment(const trace::Span& span) {
  if (!span.recording() || !span.trace()->sampled()) return {};
  // Span::traceparent formats the two binary ids as lower-case hex: 55 characters of
  // [0-9a-f-], which can neither close the comment nor the quotes.
  return "/*traceparent='" + span.traceparent() + "'*/ ";
}

}  // namespace mercato::db
