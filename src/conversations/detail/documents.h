// Configuration documents as stored (JSON bodies, kept by kind and id) and
// what the engine and the other parts of the domain make of them: a queue's
// or an agent's routing configuration, a business calendar, the view the API
// shows. Pure; thread-safe. Private to the conversations component.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/calendar.h"
#include "core/json_body.h"
#include "core/result.h"
#include "routing/engine.h"
#include "store/store.h"

namespace guichet::conversations::detail {

using json_body::Field;
namespace json = boost::json;

inline constexpr const char* kSkill = "skill";
inline constexpr const char* kQueue = "queue";
inline constexpr const char* kAgent = "agent";
inline constexpr const char* kWrapupCode = "wrapup_code";
inline constexpr const char* kPauseReason = "pause_reason";
inline constexpr const char* kCalendar = "calendar";
inline constexpr const char* kCannedResponse = "canned_response";
inline constexpr const char* kIvrFlow = "ivr_flow";
inline constexpr const char* kPrompt = "prompt";  // an uploaded recording (its file: the API's)

// A business calendar from its JSON: weekly hours, time zone (Europe/Paris
// unless said), French public holidays (on unless said, Alsace-Moselle's
// optional) and extra closed dates.
Result<BusinessCalendar> calendar_from(const boost::json::object& body);
// A positive id at `key`; errors name `where` + key.
Result<std::uint64_t> id_field(const boost::json::object& object, const char* key,
                               const std::string& where);
// The document's JSON as the API shows it: its body with id and name.
// `viewer`: an agent reading (0: a manager); a colleague's phone is theirs.
std::string document_view(const store::Document& document, std::uint64_t viewer = 0);
// A queue's routing configuration (its hours from "hours"; a calendar_id is
// resolved by the caller).
Result<routing::QueueConfig> queue_config(const boost::json::object& body, std::uint64_t id);
// Why a queue could end a message left in it before anyone hears it (the
// engine's closed outcome); null when it keeps them.
const char* ends_unheard(const boost::json::object& queue);
Result<routing::AgentConfig> agent_config(const boost::json::object& body, std::uint64_t id);
// The engine names fields as its model does; the API, as its JSON does.
Error in_api_terms(Error error);
// The stored body: the request without its name.
std::string body_without_name(boost::json::object object);

inline constexpr std::initializer_list<Field> kQueueFields = {
    {"name", json::kind::string, true},
    {"channel", json::kind::string, true},
    {"skills", json::kind::array},
    {"priority", json::kind::int64},
    {"sl_threshold_s", json::kind::double_},
    {"sl_target", json::kind::double_},
    {"strategy", json::kind::string},
    {"wrapup_s", json::kind::double_},
    {"max_wait_s", json::kind::double_},
    {"max_length", json::kind::int64},
    {"overflow_queue_id", json::kind::int64},
    {"closed_queue_id", json::kind::int64},
    {"callback_queue_id", json::kind::int64},
    {"escalation", json::kind::array},
    {"hours", json::kind::string},
    {"calendar_id", json::kind::int64},
    {"accept_when_closed", json::kind::bool_},
    // Voice queues (the voice channel reads them): position and expected
    // wait said every N s (0: never); conversations recorded (announced),
    // kept N days (voicemails too).
    {"announce_every_s", json::kind::int64},
    {"record_calls", json::kind::bool_},
    {"recording_retention_days", json::kind::int64},
    // A call this queue ends with the closed outcome (waited max_wait or
    // found it full, with no overflow queue; or came outside its hours with
    // no closed queue) leaves a message instead of being hung up on: it
    // hears voicemail_text (or a default), a beep, and is recorded up to
    // voicemail_max_s into a new interaction of voicemail_queue_id.
    {"voicemail_queue_id", json::kind::int64},
    {"voicemail_text", json::kind::string},
    {"voicemail_max_s", json::kind::int64},
    // Chat queues (the chat channel reads them): the bot answers first
    // from the knowledge base (default true); the websites that may embed
    // the chat, as origins ("https://www.ville.fr"; none: any).
    {"chat_bot", json::kind::bool_},
    {"chat_origins", json::kind::array},
    // Chat queues: the queue (a task or email queue) that keeps the messages
    // left when nobody can chat (closed, nobody there); none: none taken.
    {"chat_message_queue_id", json::kind::int64},
    // Accessible reception: real-time text (no bot), open in the hours of
    // the phone line's queue (chat_hours_queue_id); an ordinary chat queue
    // offers the real-time text one from its widget (chat_rtt_queue_id).
    {"chat_rtt", json::kind::bool_},
    {"chat_hours_queue_id", json::kind::int64},
    {"chat_rtt_queue_id", json::kind::int64},
    // Written requests (email): the answer is due this many working days
    // (the queue's hours, French holidays) after the request came; its
    // acknowledgement announces the date (default 5).
    {"answer_within_days", json::kind::int64},
};

inline constexpr std::initializer_list<Field> kAgentFields = {
    {"skills", json::kind::array},
    {"capacity", json::kind::object},
    {"phone", json::kind::string},
    {"voice_exclusive", json::kind::bool_},
    // A supervisor's team ("Accueil", "Équipe du matin"): the wallboard
    // filters by it. Up to 100 characters; empty: none.
    {"team", json::kind::string},
};

}  // namespace guichet::conversations::detail
