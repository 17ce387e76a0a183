#include "channels/voice/ivr.h"

#include <gtest/gtest.h>

namespace guichet::voice {
namespace {

using Kind = IvrAction::Kind;

const char* kTownHall = R"({
  "number": "0140000000",
  "start": "welcome",
  "steps": [
    {"id": "welcome", "type": "prompt", "text": "Bienvenue à la mairie.", "next": "open"},
    {"id": "open", "type": "hours", "calendar_id": 3, "open": "menu", "closed": "closed"},
    {"id": "menu", "type": "menu", "text": "État civil : 1. Urbanisme : 2.",
     "options": {"1": "file", "2": "planning"}, "retries": 1, "timeout_s": 4,
     "invalid_text": "Choix non reconnu."},
    {"id": "file", "type": "collect", "text": "Votre numéro de dossier, puis dièse.",
     "attribute": "dossier", "min_digits": 4, "max_digits": 8, "next": "civil"},
    {"id": "civil", "type": "queue", "queue_id": 1, "priority": 2, "callback_digit": "9"},
    {"id": "planning", "type": "voicemail", "text": "Laissez un message.", "queue_id": 2},
    {"id": "closed", "type": "hangup", "text": "La mairie est fermée."}
  ]
})";

std::shared_ptr<const IvrFlow> parse(const std::string& text) {
  std::vector<IvrProblem> problems;
  auto flow = parse_ivr_flow(text, problems);
  EXPECT_TRUE(flow) << (problems.empty() ? "" : problems.front().message);
  return std::make_shared<IvrFlow>(flow ? *flow : IvrFlow{});
}

std::vector<IvrProblem> problems_of(const std::string& text) {
  std::vector<IvrProblem> problems;
  auto flow = parse_ivr_flow(text, problems);
  EXPECT_FALSE(flow);
  return problems;
}

TEST(IvrFlow, ReadsEveryStepType) {
  auto flow = parse(kTownHall);
  EXPECT_EQ(flow->number, "0140000000");
  ASSERT_EQ(flow->steps.size(), 7u);
  EXPECT_EQ(flow->step("menu")->options.at('2'), "planning");
  EXPECT_EQ(flow->step("menu")->timeout, std::chrono::seconds(4));
  EXPECT_EQ(flow->step("civil")->callback_digit, '9');
  // The texts to synthesise include the menu's "invalid, then again" form.
  auto texts = flow->texts();
  EXPECT_NE(
      std::find(texts.begin(), texts.end(), "Choix non reconnu. État civil : 1. Urbanisme : 2."),
      texts.end());
}

// The relay provider's calls (décret 2017-875) are recognised by their
// number however it is written, marked, and skip the menu; the others walk
// the flow from its start.
TEST(IvrFlow, ARelayProvidersCallSkipsTheMenuAndIsMarked) {
  std::string flow_text = kTownHall;
  flow_text.insert(flow_text.find("\"steps\""),
                   R"("relay": {"name": "Acce-o", "url": "https://www.acce-o.fr/",
                     "callers": ["01 99 00 00 99", "+33 1 99 00 00 98"], "start": "civil"},)");
  auto flow = parse(flow_text);
  ASSERT_TRUE(flow->relay);
  EXPECT_EQ(flow->relay->callers, (std::vector<std::string>{"+33199000099", "+33199000098"}));
  EXPECT_TRUE(flow->from_relay("0199000099"));
  EXPECT_TRUE(flow->from_relay("+33199000098"));
  EXPECT_FALSE(flow->from_relay("0612345678"));
  EXPECT_FALSE(flow->from_relay(""));

  IvrRun relay(flow, [](std::uint64_t) { return true; });
  const IvrAction first = relay.start("0199000099");
  EXPECT_EQ(first.kind, Kind::kQueue) << "past the menu, at its queue";
  EXPECT_EQ(first.queue_id, 1u);
  ASSERT_FALSE(relay.attributes().empty());
  EXPECT_EQ(relay.attributes().front(), (std::pair<std::string, std::string>{"relay", "Acce-o"}));

  IvrRun ordinary(flow, [](std::uint64_t) { return true; });
  EXPECT_EQ(ordinary.start("0612345678").kind, Kind::kPlay) << "the welcome prompt";
  EXPECT_TRUE(ordinary.attributes().empty());
}

TEST(IvrFlow, RefusesARelayThatIsNotOne) {
  const auto field_refused = [](const std::string& relay) {
    std::string text = kTownHall;
    text.insert(text.find("\"steps\""), "\"relay\": " + relay + ",");
    auto problems = problems_of(text);
    return problems.empty() ? std::string() : problems.front().field;
  };
  EXPECT_EQ(field_refused(R"j({"name":"R","url":"javascript:alert(1)","callers":["0199000099"]})j"),
            "relay.url");
  EXPECT_EQ(field_refused(R"j({"name":"R","url":"https://r.fr","callers":["pas un numéro"]})j"),
            "relay.callers[0]");
  EXPECT_EQ(
      field_refused(
          R"j({"name":"R","url":"https://r.fr","callers":["0199000099"],"start":"nowhere"})j"),
      "relay.start");
  EXPECT_EQ(field_refused(R"j("relais")j"), "relay");
}

TEST(IvrFlow, RefusesAnUnreachableStepByName) {
  auto problems = problems_of(R"({"number":"1","steps":[
    {"id":"a","type":"hangup","text":"Au revoir."},
    {"id":"orphan","type":"prompt","text":"Jamais dit.","next":"a"}]})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].step, "orphan");
  EXPECT_NE(problems[0].message.find("cannot be reached"), std::string::npos);
}

TEST(IvrFlow, RefusesALoopWithoutExit) {
  auto problems = problems_of(R"({"number":"1","steps":[
    {"id":"a","type":"prompt","text":"Un.","next":"b"},
    {"id":"b","type":"prompt","text":"Deux.","next":"a"}]})");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].step, "a");
  EXPECT_NE(problems[0].message.find("loop without exit"), std::string::npos);
}

TEST(IvrFlow, AMenuThatGivesUpIsAnExit) {
  // Menu → prompt → menu again: after its retries the menu hangs up.
  parse(R"({"number":"1","steps":[
    {"id":"m","type":"menu","text":"Tapez 1.","options":{"1":"p"}},
    {"id":"p","type":"prompt","text":"Encore.","next":"m"}]})");
}

TEST(IvrFlow, RefusesAMissingPromptAndBadReferences) {
  auto problems = problems_of(R"({"number":"1","steps":[
    {"id":"m","type":"menu","options":{"1":"nowhere"}},
    {"id":"q","type":"queue"}]})");
  ASSERT_GE(problems.size(), 3u);
  EXPECT_EQ(problems[0].message, "step 'm': no prompt to play");
  EXPECT_EQ(problems[1].message, "step 'm': options.1 'nowhere' is not a step");
  EXPECT_EQ(problems[2].message, "step 'q': no queue");
}

TEST(IvrFlow, RefusesMalformedInput) {
  EXPECT_FALSE(problems_of("not json").empty());
  EXPECT_FALSE(problems_of(R"({"number":"abc","steps":[]})").empty());
  auto problems = problems_of(R"({"number":"1","steps":[
    {"id":"a","type":"dance"},{"id":"a","type":"hangup","retries":99}]})");
  EXPECT_EQ(problems[0].field, "steps[0].type");
  EXPECT_EQ(problems[1].field, "steps[1].retries");
  EXPECT_EQ(problems[2].message, "two steps are named 'a'");
}

// Found by fuzz_ivr_flow: a hang-up's "next" naming no step was followed
// as if it were one (a null step read: a crash when the flow is checked).
TEST(IvrFlow, ANextThatNamesNoStepIsNotFollowed) {
  const auto problems = problems_of(R"({"name":"R","number":"0140000003","steps":[
    {"id":"h","type":"hours","calendar_id":2,"open":"b","closed":"m"},
    {"id":"b","type":"hangup","next":"Bonjour."},
    {"id":"m","type":"voicemail","audio_id":1,"queue_id":2,"max_s":30}]})");
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].step, "b");
  EXPECT_EQ(problems[0].field, "next");
}

TEST(IvrRun, MenuCollectAndQueue) {
  IvrRun run(parse(kTownHall), [](std::uint64_t calendar) { return calendar == 3; });
  IvrAction a = run.start();
  EXPECT_EQ(a.kind, Kind::kPlay);
  EXPECT_EQ(a.text, "Bienvenue à la mairie.");
  EXPECT_FALSE(run.digit('1'));  // a plain prompt is not interrupted
  a = *run.played();             // open: the menu
  EXPECT_EQ(a.text, "État civil : 1. Urbanisme : 2.");
  a = *run.digit('1');  // barge-in
  EXPECT_EQ(a.text, "Votre numéro de dossier, puis dièse.");
  EXPECT_EQ(run.digit('4')->kind, Kind::kWait);
  run.digit('2');
  run.digit('4');
  run.digit('2');
  a = *run.digit('#');
  EXPECT_EQ(a.kind, Kind::kQueue);
  EXPECT_EQ(a.queue_id, 1u);
  EXPECT_EQ(a.priority, 2);
  EXPECT_EQ(a.callback_digit, '9');
  ASSERT_EQ(run.attributes().size(), 2u);
  EXPECT_EQ(run.attributes()[0], (std::pair<std::string, std::string>{"dossier", "4242"}));
  EXPECT_EQ(run.attributes()[1].second, "welcome>open>menu[1]>file>civil");
}

TEST(IvrRun, RetriesThenHangsUp) {
  IvrRun run(parse(kTownHall), [](std::uint64_t) { return true; });
  run.start();
  run.played();
  EXPECT_EQ(run.played()->kind, Kind::kWait);
  IvrAction a = *run.timed_out();  // silence: the invalid text, then the menu again
  EXPECT_EQ(a.text, "Choix non reconnu. État civil : 1. Urbanisme : 2.");
  a = *run.digit('7');  // a wrong key: retries (1) used up
  EXPECT_EQ(a.kind, Kind::kHangup);
  EXPECT_TRUE(a.text.empty());
}

TEST(IvrRun, ShortCollectIsRetriedAndClosedHoursHangUp) {
  IvrRun run(parse(kTownHall), [](std::uint64_t) { return true; });
  run.start();
  run.played();
  run.digit('1');
  run.digit('1');
  EXPECT_EQ(run.digit('#')->text, "Votre numéro de dossier, puis dièse.");  // 1 digit < 4
  IvrRun closed(parse(kTownHall), [](std::uint64_t) { return false; });
  closed.start();
  IvrAction a = *closed.played();
  EXPECT_EQ(a.kind, Kind::kHangup);
  EXPECT_EQ(a.text, "La mairie est fermée.");
}

TEST(IvrRun, VoicemailCarriesItsQueue) {
  IvrRun run(parse(kTownHall), [](std::uint64_t) { return true; });
  run.start();
  run.played();
  IvrAction a = *run.digit('2');
  EXPECT_EQ(a.kind, Kind::kVoicemail);
  EXPECT_EQ(a.queue_id, 2u);
  EXPECT_EQ(a.max_record, std::chrono::seconds(120));
}

}  // namespace
}  // namespace guichet::voice

namespace guichet::voice {
namespace {

TEST(IvrRun, ACallerLoopingThroughMenusIsLetGoAndItsPathStaysShort) {
  // "9: back to the main menu" — a loop validation allows (other keys exit).
  auto flow = parse(R"({"number":"1","steps":[
    {"id":"main","type":"menu","text":"Tapez 1, ou 9 pour réécouter.","options":{"1":"q","9":"again"}},
    {"id":"again","type":"collect","text":"Votre numéro.","attribute":"n","max_digits":1,"next":"main"},
    {"id":"q","type":"queue","queue_id":1}]})");
  IvrRun run(flow, [](std::uint64_t) { return true; });
  run.start();
  IvrAction last = run.current();
  for (int i = 0; i < 1000 && last.kind != Kind::kHangup; ++i) {
    run.digit('9');
    last = *run.digit(static_cast<char>('0' + i % 10));
  }
  EXPECT_EQ(last.kind, Kind::kHangup);     // after 200 steps
  ASSERT_EQ(run.attributes().size(), 1u);  // collected again: one value, the last
  EXPECT_EQ(run.attributes()[0].first, "n");
}

TEST(IvrRun, ThePathKeptIsBounded) {
  auto flow = parse(R"({"number":"1","steps":[
    {"id":"a-rather-long-step-name-for-a-menu","type":"menu","text":"Tapez 1.",
     "options":{"1":"a-rather-long-step-name-for-a-menu","2":"q"}},
    {"id":"q","type":"queue","queue_id":1}]})");
  IvrRun run(flow, [](std::uint64_t) { return true; });
  run.start();
  for (int i = 0; i < 150; ++i)
    run.digit('1');
  run.digit('2');
  ASSERT_EQ(run.current().kind, Kind::kQueue);
  EXPECT_LE(run.attributes().back().second.size(), 520u);
  EXPECT_EQ(run.attributes().back().second.substr(run.attributes().back().second.size() - 2), ">q");
}

}  // namespace
}  // namespace guichet::voice
