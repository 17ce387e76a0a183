// TimeZone: POSIX TZ rules (IEEE Std 1003.1, section 8.3, with the RFC 8536
// extensions found in TZif footers) and the reader of those footers.
#include <algorithm>
#include <array>
#include <fstream>
#include <tuple>

#include "core/calendar.h"

namespace guichet {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::January;
using std::chrono::last;
using std::chrono::local_days;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::weekday;
using std::chrono::year_month_day;

// Real TZif files are a few kilobytes; the cap keeps a wrong path from
// reading a huge file into memory.
constexpr std::size_t kMaxTzifBytes = 64 * 1024;
constexpr std::size_t kTzifHeaderBytes = 44;

Time utc_of(LocalTime local, Duration offset) {
  return Time(local.time_since_epoch() - offset);
}

Error bad_spec(std::string_view spec, std::string_view why) {
  return invalid_argument("bad POSIX TZ string \"" + std::string(spec) + "\": " + std::string(why),
                          "spec");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The readers below consume what they recognise from the front of `spec`.
bool consume(std::string_view& spec, char c) {
  if (spec.empty() || spec.front() != c) return false;
  spec.remove_prefix(1);
  return true;
}

// An unsigned number of 1 to max_digits digits, within [min, max].
std::optional<int> read_number(std::string_view& spec, int max_digits, int min, int max) {
  int value = 0;
  int digits = 0;
  while (digits < max_digits && !spec.empty() && is_digit(spec.front())) {
    value = value * 10 + (spec.front() - '0');
    spec.remove_prefix(1);
    ++digits;
  }
  if (digits == 0 || value < min || value > max) return std::nullopt;
  return value;
}

// [+|-]hh[:mm[:ss]], as used by both offsets and transition times.
std::optional<Duration> read_hms(std::string_view& spec, int max_hours) {
  const bool negative = consume(spec, '-');
  if (!negative) consume(spec, '+');
  const auto h = read_number(spec, 3, 0, max_hours);
  if (!h) return std::nullopt;
  Duration total = hours(*h);
  if (consume(spec, ':')) {
    const auto m = read_number(spec, 2, 0, 59);
    if (!m) return std::nullopt;
    total += minutes(*m);
    if (consume(spec, ':')) {
      const auto s = read_number(spec, 2, 0, 59);
      if (!s) return std::nullopt;
      total += std::chrono::seconds(*s);
    }
  }
  return negative ? -total : total;
}

// An abbreviation: three letters or more, or "<...>" quoting digits and signs
// too (e.g. "<+0530>"). It is only checked: offsets are all we keep.
bool read_name(std::string_view& spec) {
  std::string_view name;
  if (consume(spec, '<')) {
    const auto close = spec.find('>');
    if (close == std::string_view::npos) return false;
    name = spec.substr(0, close);
    const auto quotable = [](char c) { return is_alpha(c) || is_digit(c) || c == '+' || c == '-'; };
    if (!std::all_of(name.begin(), name.end(), quotable)) return false;
    spec.remove_prefix(close + 1);
  } else {
    std::size_t length = 0;
    while (length < spec.size() && is_alpha(spec[length]))
      ++length;
    name = spec.substr(0, length);
    spec.remove_prefix(length);
  }
  return name.size() >= 3;
}

// A TZif file of version 2 or later ends with "\n<POSIX TZ string>\n"
// (RFC 8536, section 3.3); the binary data before may hold any byte.
Result<std::string> tzif_footer(const std::string& data, const std::string& path) {
  if (data.size() < kTzifHeaderBytes || data.compare(0, 4, "TZif") != 0) {
    return invalid_argument(path + " is not a TZif file", "name");
  }
  if (data[4] < '2') return invalid_argument(path + " is TZif version 1: no POSIX footer", "name");
  const auto start = data.back() == '\n' ? data.rfind('\n', data.size() - 2) : std::string::npos;
  if (start == std::string::npos || start + 2 == data.size()) {
    return invalid_argument(path + " has no POSIX footer", "name");
  }
  return data.substr(start + 1, data.size() - start - 2);
}

}  // namespace

std::optional<TimeZone::Rule> TimeZone::parse_rule(std::string_view& spec) {
  Rule rule;
  if (consume(spec, 'M')) {
    const auto month = read_number(spec, 2, 1, 12);
    if (!month || !consume(spec, '.')) return std::nullopt;
    const auto week = read_number(spec, 1, 1, 5);
    if (!week || !consume(spec, '.')) return std::nullopt;
    const auto weekday = read_number(spec, 1, 0, 6);
    if (!weekday) return std::nullopt;
    rule.kind = Rule::Kind::kMonthWeekDay;
    rule.month = *month;
    rule.week = *week;
    rule.weekday = *weekday;
  } else {
    const bool julian = consume(spec, 'J');
    const auto day = read_number(spec, 3, julian ? 1 : 0, 365);
    if (!day) return std::nullopt;
    rule.kind = julian ? Rule::Kind::kJulianNoLeap : Rule::Kind::kDayOfYear;
    rule.day = *day;
  }
  if (consume(spec, '/')) {
    // RFC 8536 allows -167..167 hours, so that rules like "M3.4.4/26" fit.
    const auto time = read_hms(spec, 167);
    if (!time) return std::nullopt;
    rule.time = *time;
  }
  return rule;
}

Result<TimeZone> TimeZone::from_posix(std::string_view spec, std::string name) {
  const std::string_view whole = spec;
  TimeZone zone;
  zone.name_ = name.empty() ? std::string(spec) : std::move(name);
  if (!read_name(spec)) return bad_spec(whole, "expected a standard time name");
  const auto std_offset = read_hms(spec, 24);
  if (!std_offset) return bad_spec(whole, "expected a standard offset like -1 or +05:30");
  // POSIX counts hours west of Greenwich: "CET-1" is UTC+1.
  zone.std_offset_ = -*std_offset;
  if (spec.empty()) return zone;

  if (!read_name(spec)) return bad_spec(whole, "expected a daylight saving time name");
  zone.dst_offset_ = zone.std_offset_ + hours(1);
  if (!spec.empty() && spec.front() != ',') {
    const auto dst_offset = read_hms(spec, 24);
    if (!dst_offset) return bad_spec(whole, "expected a daylight saving offset");
    zone.dst_offset_ = -*dst_offset;
  }
  // Without rules POSIX lets each system guess (often US rules): we refuse.
  if (!consume(spec, ',')) return bad_spec(whole, "expected ,start,end rules");
  const auto start = parse_rule(spec);
  if (!start || !consume(spec, ',')) return bad_spec(whole, "bad daylight saving start rule");
  const auto end = parse_rule(spec);
  if (!end) return bad_spec(whole, "bad daylight saving end rule");
  if (!spec.empty()) return bad_spec(whole, "unexpected text after the end rule");
  zone.dst_start_ = *start;
  zone.dst_end_ = *end;
  return zone;
}

Result<TimeZone> TimeZone::load(std::string_view name, std::string_view zoneinfo_dir) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return invalid_argument("a time zone name is a path inside zoneinfo, like Europe/Paris",
                            "name");
  }
  const std::string path = std::string(zoneinfo_dir) + "/" + std::string(name);
  std::ifstream file(path, std::ios::binary);
  if (!file) return io_error("cannot open " + path);
  std::string data(kMaxTzifBytes + 1, '\0');
  file.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (file.bad()) return io_error("cannot read " + path);
  data.resize(static_cast<std::size_t>(file.gcount()));
  if (data.size() > kMaxTzifBytes) return invalid_argument(path + " is too large", "name");
  auto footer = tzif_footer(data, path);
  if (!footer) return footer.status();
  return from_posix(*footer, std::string(name));
}

const TimeZone& TimeZone::europe_paris() {
  // A constant spec that parses; value() asserts it, as a failure would be a
  // bug in from_posix.
  static const TimeZone zone = from_posix("CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Paris").value();
  return zone;
}

LocalTime TimeZone::transition(const Rule& rule, int year) {
  const std::chrono::year y(year);
  local_days day;
  switch (rule.kind) {
    case Rule::Kind::kMonthWeekDay: {
      const auto month_of_year = y / month(static_cast<unsigned>(rule.month));
      const weekday wd(static_cast<unsigned>(rule.weekday));
      // Week 5 means the last such weekday, whether the month has four or five.
      day = rule.week == 5 ? local_days(month_of_year / wd[last])
                           : local_days(month_of_year / wd[static_cast<unsigned>(rule.week)]);
      break;
    }
    case Rule::Kind::kJulianNoLeap: {
      // Jn never counts 29 February: day 60 is always 1 March.
      const int skip_leap_day = y.is_leap() && rule.day >= 60 ? 1 : 0;
      day = local_days(y / January / 1) + days(rule.day - 1 + skip_leap_day);
      break;
    }
    case Rule::Kind::kDayOfYear:
      day = local_days(y / January / 1) + days(rule.day);
      break;
  }
  return day + rule.time;
}

Duration TimeZone::offset_at(Time utc) const {
  if (!dst_offset_) return std_offset_;
  struct Change {
    Time at;
    bool to_dst;
  };
  // The neighbouring years too: a rule time can push a transition across New
  // Year, and in the southern hemisphere DST spans it.
  const int year = int(year_month_day(floor<days>(utc + std_offset_)).year());
  std::array<Change, 6> changes;
  for (int i = 0; i < 3; ++i) {
    changes[2 * i] = {utc_of(transition(dst_start_, year - 1 + i), std_offset_), true};
    changes[2 * i + 1] = {utc_of(transition(dst_end_, year - 1 + i), *dst_offset_), false};
  }
  // At equal instants the start comes last and wins, so that a zone on DST
  // all year ("EST5EDT,0/0,J365/25") stays on it.
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return std::tie(a.at, a.to_dst) < std::tie(b.at, b.to_dst);
  });
  bool on_dst = !changes.front().to_dst;
  for (const Change& change : changes) {
    if (change.at <= utc) on_dst = change.to_dst;
  }
  return on_dst ? *dst_offset_ : std_offset_;
}

LocalTime TimeZone::to_local(Time utc) const {
  return LocalTime(utc.time_since_epoch() + offset_at(utc));
}

Time TimeZone::to_utc(LocalTime local) const {
  if (!dst_offset_) return utc_of(local, std_offset_);
  const Time as_std = utc_of(local, std_offset_);
  const Time as_dst = utc_of(local, *dst_offset_);
  const bool std_valid = offset_at(as_std) == std_offset_;
  const bool dst_valid = offset_at(as_dst) == *dst_offset_;
  if (std_valid && dst_valid) return std::min(as_std, as_dst);  // repeated: first occurrence
  if (std_valid) return as_std;
  if (dst_valid) return as_dst;
  // Skipped: the clock moved forward, so the offset before the gap is the
  // smaller one (even with negative DST, as in Europe/Dublin).
  return utc_of(local, std::min(std_offset_, *dst_offset_));
}

}  // namespace guichet
