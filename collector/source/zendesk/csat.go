package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// surveysOffFor is how long an account that answers the survey responses endpoint with a refusal
// (no CSAT survey on its plan, the legacy CSAT on) is not asked again.
const surveysOffFor = time.Hour

// surveyChunk is how many tickets one survey responses request asks about (filter[subject_zrns]).
const surveyChunk = 50

// pollRatings reads the legacy satisfaction ratings since the last one seen and stamps each rated
// ticket with its score and the rating's own time.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/#list-satisfaction-ratings
func (s *Source) pollRatings(ctx context.Context, st source.Store, cur *cursorState, vc *vendorClock) error {
	start := cur.Ratings
	if start == 0 {
		start = vc.now().Add(-initialHistory).Unix()
	}
	q := url.Values{"start_time": {strconv.FormatInt(vc.clamp(start), 10)}, "page[size]": {"100"}}
	followed := tokens{}
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return fmt.Errorf("%s: %w (%d)", endpointRatings, errPageBound, pages)
		}
		var page ratingsPage
		if err := s.c.get(ctx, vc, endpointRatings, classAccount, "/api/v2/satisfaction_ratings.json", q, &page); err != nil {
			return err
		}
		var b source.Batch
		for _, r := range page.Ratings {
			at := r.UpdatedAt
			if at.IsZero() {
				at = r.CreatedAt
			}
			vc.record(at)
			cur.Ratings = max(cur.Ratings, vc.clamp(at.Unix()))
			if r.Score != "good" && r.Score != "bad" {
				continue // offered/unoffered: no answer
			}
			if t := rated(st, r.TicketID, ticket.CSAT(r.Score), at); t != nil {
				b.Upserts = append(b.Upserts, t)
			}
		}
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying ratings: %w", err)
		}
		next := page.NextPage
		if page.Meta != nil {
			if !page.Meta.HasMore {
				return nil
			}
			if page.Links != nil {
				next = page.Links.Next
			}
		}
		var ok bool
		if q, ok = nextQuery(next); !ok {
			return nil
		}
		if err := followed.follow(endpointRatings, q.Encode()); err != nil {
			return err
		}
	}
}

// rated returns the stored ticket id with the answer, or nil when it is not stored or has it.
func rated(st source.Store, id int64, csat ticket.CSAT, at time.Time) *ticket.Ticket {
	prev, ok := st.Get(strconv.FormatInt(id, 10))
	if !ok || (prev.CSAT == csat && (csat == ticket.CSATNone || prev.CSATAt.Equal(at))) {
		return nil // not stored, or it has this answer already (no answer has no time)
	}
	t := *prev
	t.CSAT, t.CSATAt = csat, at
	if csat == ticket.CSATNone {
		t.CSATAt = time.Time{}
	}
	return &t
}

// pollSurveys reads the CSAT survey responses (the CSAT that replaces the legacy ratings) of the
// solved tickets of this poll that carry no legacy rating, 50 tickets a request by
// filter[subject_zrns]. A ticket takes its latest customer-satisfaction answer: rating_category
// good or bad; neutral is an answer that is neither, so the ticket counts in no CSAT series (see
// docs/vendors.md). An account that refuses the endpoint is not asked for an hour.
// Reference: "List Survey Responses" in
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/
func (s *Source) pollSurveys(ctx context.Context, st source.Store, vc *vendorClock, ids []int64) error {
	if len(ids) == 0 || vc.local.Before(s.surveysOff) {
		return nil
	}
	answers := map[int64]surveyAnswer{}
	for start := 0; start < len(ids); start += surveyChunk {
		chunk := ids[start:min(start+surveyChunk, len(ids))]
		zrns := make([]string, len(chunk))
		for i, id := range chunk {
			zrns[i] = "zen:ticket:" + strconv.FormatInt(id, 10)
		}
		q := url.Values{"filter[subject_zrns]": {strings.Join(zrns, ",")}, "page[size]": {"100"}}
		if off, err := s.surveyPages(ctx, vc, q, answers); off || err != nil {
			return err
		}
	}
	var b source.Batch
	for id, a := range answers {
		if t := rated(st, id, a.csat, a.at); t != nil {
			b.Upserts = append(b.Upserts, t)
		}
	}
	if len(b.Upserts) == 0 {
		return nil
	}
	if err := st.Apply(b); err != nil {
		return fmt.Errorf("zendesk: applying survey responses: %w", err)
	}
	return nil
}

// surveyAnswer is a ticket's latest CSAT answer.
type surveyAnswer struct {
	csat ticket.CSAT // good, bad, or none for neutral
	at   time.Time
}

// surveyPages reads the pages of one survey responses request into answers. off reports an
// account that refused the endpoint (then nothing more is asked for surveysOffFor).
func (s *Source) surveyPages(ctx context.Context, vc *vendorClock, q url.Values, answers map[int64]surveyAnswer) (off bool, err error) {
	followed := tokens{}
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return false, fmt.Errorf("%s: %w (%d)", endpointSurveys, errPageBound, pages)
		}
		var page surveyResponsesPage
		err := s.c.get(ctx, vc, endpointSurveys, classAccount, "/api/v2/guide/survey_responses.json", q, &page)
		if err != nil && (refused(err) || errors.Is(err, vendorhttp.ErrUnauthorized)) {
			s.log.Info("zendesk_csat_survey_responses_unavailable", "err", err, "retry_in", surveysOffFor)
			s.surveysOff = vc.local.Add(surveysOffFor)
			return true, nil
		}
		if err != nil {
			return false, err
		}
		for _, r := range page.Responses {
			id, ok := surveyTicket(r.SubjectZRNs)
			if !ok {
				continue
			}
			for _, a := range r.Answers {
				csat, ok := surveyCSAT(a.Type, a.Question.SubType, a.RatingCategory)
				if !ok {
					continue
				}
				at := a.UpdatedAt
				if at.IsZero() {
					at = a.CreatedAt
				}
				vc.record(at)
				if prev, seen := answers[id]; !seen || at.After(prev.at) {
					answers[id] = surveyAnswer{csat: csat, at: at}
				}
			}
		}
		if page.Meta == nil || !page.Meta.HasMore {
			return false, nil
		}
		var next *string
		if page.Links != nil {
			next = page.Links.Next
		}
		nq, ok := nextQuery(next)
		if !ok {
			if page.Meta.AfterCursor == nil {
				return false, fmt.Errorf("%s: %w: has_more without a next page", endpointSurveys, vendorhttp.ErrMalformed)
			}
			nq = url.Values{"filter[subject_zrns]": q["filter[subject_zrns]"], "page[size]": {"100"}, "page[after]": {*page.Meta.AfterCursor}}
		}
		if err := followed.follow(endpointSurveys, nq.Encode()); err != nil {
			return false, err
		}
		q = nq
	}
}

// surveyTicket returns the ticket a response is about, from its "zen:ticket:<id>" subject.
func surveyTicket(zrns []string) (int64, bool) {
	for _, z := range zrns {
		if v, ok := strings.CutPrefix(z, "zen:ticket:"); ok {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				return id, true
			}
		}
	}
	return 0, false
}

// surveyCSAT maps a customer-satisfaction answer: a rating_scale answer (to the
// customer_satisfaction question, when the sub_type is given) with rating_category good or bad;
// neutral is an answer that is neither (CSATNone).
func surveyCSAT(typ, subType, category string) (ticket.CSAT, bool) {
	if typ != "rating_scale" || (subType != "" && subType != "customer_satisfaction") {
		return "", false
	}
	switch category {
	case "good":
		return ticket.CSATGood, true
	case "bad":
		return ticket.CSATBad, true
	case "neutral":
		return ticket.CSATNone, true
	}
	return "", false
}
