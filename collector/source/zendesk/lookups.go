package zendesk

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// statusTTL is how long the custom statuses read are used before a ticket with an unknown one
// makes the source read them again.
const statusTTL = time.Hour

// customStatus is a custom ticket status: the name agents see and its category.
type customStatus struct {
	label    string // agent_label
	category string // status_category: new, open, pending, hold, solved
}

// pageRefs resolves what a page's tickets point at: users (from the sideload, and with fetchUsers
// by id for those it lacks), organization names (sideload, cache, then by id) and custom statuses.
func (s *Source) pageRefs(ctx context.Context, vc *vendorClock, tickets []apiTicket, sideUsers []apiUser, sideOrgs []apiOrganization, fetchUsers bool) (pageRefs, error) {
	var orgIDs, userIDs, statusIDs, groupIDs []int64
	for _, t := range tickets {
		if t.GroupID != nil && s.cfg.ReadHandling {
			groupIDs = append(groupIDs, *t.GroupID)
		}
		if t.OrganizationID != nil {
			orgIDs = append(orgIDs, *t.OrganizationID)
		}
		for _, id := range []*int64{t.RequesterID, t.SubmitterID} {
			if id != nil {
				userIDs = append(userIDs, *id)
			}
		}
		if t.CustomStatusID != nil {
			statusIDs = append(statusIDs, *t.CustomStatusID)
		}
	}
	refs := pageRefs{users: make(map[int64]apiUser, len(sideUsers))}
	for _, u := range sideUsers {
		refs.users[u.ID] = u
	}
	orgs, missing := s.orgNames(sideOrgs, orgIDs)
	if len(missing) > 0 {
		if err := s.fetchOrganizations(ctx, vc, missing); err != nil {
			return refs, err
		}
		orgs, _ = s.orgNames(nil, nil)
	}
	refs.orgs = orgs
	refs.owners = s.owners()
	if len(groupIDs) > 0 {
		groups, err := s.groupNames(ctx, vc, groupIDs)
		if err != nil {
			return refs, err
		}
		refs.groups = groups
	}
	if fetchUsers {
		var lack []int64
		for _, id := range userIDs {
			if _, ok := refs.users[id]; !ok {
				lack = append(lack, id)
			}
		}
		if err := s.fetchUsers(ctx, vc, lack, refs.users); err != nil {
			return refs, err
		}
	}
	statuses, err := s.customStatuses(ctx, vc, statusIDs)
	if err != nil {
		return refs, err
	}
	refs.statuses = statuses
	return refs, nil
}

// orgNames adds sideloaded organizations to the cache and returns the cache with the ids of ids
// it does not hold.
func (s *Source) orgNames(side []apiOrganization, ids []int64) (map[int64]string, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range side {
		s.orgs[o.ID] = o.Name
		if owner := s.ownerOf(o); owner != "" || s.cfg.OwnerField != "" {
			s.orgOwners[o.ID] = owner
		}
	}
	var missing []int64
	for _, id := range ids {
		if _, ok := s.orgs[id]; !ok && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	return maps.Clone(s.orgs), missing
}

// owners returns the owner fields of the organizations read.
func (s *Source) owners() map[int64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.orgOwners)
}

// fetchOrganizations reads organizations by id, 100 a request, into the cache; an id Zendesk does
// not return (a deleted organization) is cached without a name, so it is not asked again.
// Reference: "Show Many Organizations" in
// https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
func (s *Source) fetchOrganizations(ctx context.Context, vc *vendorClock, ids []int64) error {
	for start := 0; start < len(ids); start += showManyChunk {
		chunk := ids[start:min(start+showManyChunk, len(ids))]
		var page organizationsPage
		q := idsQuery("ids", chunk)
		if err := s.c.get(ctx, vc, endpointOrganizations, classAccount, "/api/v2/organizations/show_many.json", q, &page); err != nil {
			return err
		}
		s.orgNames(page.Organizations, nil)
		s.mu.Lock()
		for _, id := range chunk {
			if _, ok := s.orgs[id]; !ok {
				s.orgs[id] = ""
			}
		}
		s.mu.Unlock()
	}
	return nil
}

// fetchUsers reads users by id, 100 a request, into users. Reference: "Show Many Users" in
// https://developer.zendesk.com/api-reference/ticketing/users/users/
func (s *Source) fetchUsers(ctx context.Context, vc *vendorClock, ids []int64, users map[int64]apiUser) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for start := 0; start < len(ids); start += showManyChunk {
		var page usersPage
		if err := s.c.get(ctx, vc, endpointUsers, classAccount, "/api/v2/users/show_many.json", idsQuery("ids", ids[start:min(start+showManyChunk, len(ids))]), &page); err != nil {
			return err
		}
		for _, u := range page.Users {
			users[u.ID] = u
		}
	}
	return nil
}

// customStatuses returns the account's custom statuses, read when a ticket names one the cache
// does not hold and the cache is older than statusTTL. Reference: "List Custom Ticket Statuses"
// in https://developer.zendesk.com/api-reference/ticketing/tickets/custom_ticket_statuses/
func (s *Source) customStatuses(ctx context.Context, vc *vendorClock, ids []int64) (map[int64]customStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unknown := slices.ContainsFunc(ids, func(id int64) bool { _, ok := s.statusNames[id]; return !ok })
	if unknown && !vc.local.Before(s.statusExpires) {
		var page customStatusesPage
		if err := s.c.get(ctx, vc, endpointStatuses, classAccount, "/api/v2/custom_statuses.json", nil, &page); err != nil {
			return nil, err
		}
		s.statusNames = map[int64]customStatus{}
		for _, cs := range page.CustomStatuses {
			s.statusNames[cs.ID] = customStatus{label: cs.AgentLabel, category: cs.StatusCategory}
		}
		s.statusExpires = vc.local.Add(statusTTL)
	}
	return maps.Clone(s.statusNames), nil
}

// idsQuery is a query of one parameter holding ids, comma-separated.
func idsQuery(name string, ids []int64) map[string][]string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return map[string][]string{name: {strings.Join(parts, ",")}}
}
