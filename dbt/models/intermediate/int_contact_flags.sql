{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['contact_id'],
    tombstone_column='contact_id',
    meta={'follow_up_settings': true}
) }}
{#- One row per current contact: its local activity date (campaign time zone; a contact is
    credited once, on the local date it starts) and its outcome and follow-up flags
    (macros/follow_ups.sql).

    Follow-ups use window functions over (campaign, customer) ordered by start time, never
    self-joins (tens of millions of contacts). Only identified customers (customer_id not NULL)
    take part. A follow-up window counts only if it has ended by the data horizon
    (int_data_horizon.data_end_at): the contact is "mature".
    - fcr: inbound contacts; resolved when the customer's next inbound contact on the campaign
      starts more than fcr_window_hours later, or never.
    - repeat: all contacts; followed when the customer's next contact on the campaign starts
      within repeat_window_days (as elapsed time: days x 24 h).
    - attrition: all contacts, mature at attrition_window_days; churned when the customer's
      churned_on (customers, per campaign) is after the contact's local date and at most
      attrition_window_days after it.

    Incremental run: recomputes only
    - the contacts of each customer touched since the last run (a new, changed or moved
      contact, old and new position; a changed churn date), from one follow-up window before
      the change (attrition window around a churn date);
    - every contact of a campaign whose time zone or windows changed (or all, when a window var
      changed);
    - the contacts whose maturity changed because the data horizon moved: a window ending in
      (previous horizon, new horizon];
    and writes only the rows whose values changed. -#}
{%- set window_hours = follow_up_window_hours() -%}

{%- if is_incremental() %}
{%- set state = incremental_state() -%}
{%- set since = state_batch_literal(state) -%}
{%- set settings = follow_up_settings() -%}
{%- set full_campaigns = changed_campaigns(state, settings) if state is not none else (settings.campaigns.keys() | list) -%}
{%- set consumer_since = state_batch_literal(incremental_state('int_affected_days')) -%}
{%- set attrition_days = var('attrition_window_days') | int -%}
{%- set changed_rows = '(select * from ' ~ ref('int_contacts') ~ ' where _batch_id > ' ~ since ~ ')' -%}

{%- set seed_ctes -%}
changed as (

    select * from {{ changed_rows }} as changed_contacts

),

previous as (

    select this.contact_id, this.campaign_id, this.customer_id, this.started_at
    from {{ this }} as this
    where {{ literal_range_filter('this.contact_id', 'contact_id', changed_rows) }}
        and this.contact_id in (select contact_id from changed)

),

customer_changes as (

    select customer_id, campaign_id, churned_on, _prev_churned_on
    from {{ ref('int_customers') }}
    where _batch_id > {{ since }}
        and churned_on is distinct from _prev_churned_on

),

-- per customer and campaign, the span of start times whose flags may change
seeds as (

    select campaign_id, customer_id,
        {{ dbt.dateadd('hour', -window_hours, 'started_at') }} as lower_at, started_at as upper_at
    from changed
    where customer_id is not null

    union all

    select campaign_id, customer_id,
        {{ dbt.dateadd('hour', -window_hours, 'started_at') }} as lower_at, started_at as upper_at
    from previous
    where customer_id is not null

    union all

    -- a contact is churned when churned_on is in (its local date, + attrition window]
    select campaign_id, customer_id,
        case
            when _prev_churned_on = {{ unknown_previous_date() }} then cast('-infinity' as timestamp with time zone)
            else {{ dbt.dateadd('day', -(attrition_days + 2), 'cast(least(coalesce(churned_on, _prev_churned_on), coalesce(_prev_churned_on, churned_on)) as timestamp with time zone)') }}
        end as lower_at,
        case
            when _prev_churned_on = {{ unknown_previous_date() }} then cast('infinity' as timestamp with time zone)
            else {{ dbt.dateadd('day', 2, 'cast(greatest(coalesce(churned_on, _prev_churned_on), coalesce(_prev_churned_on, churned_on)) as timestamp with time zone)') }}
        end as upper_at
    from customer_changes

)
{%- endset -%}
{#- the three follow-up windows (fcr, repeat, attrition), in hours -#}
{%- set window_lengths_hours = [var('fcr_window_hours'), var('repeat_window_days') * 24, var('attrition_window_days') * 24] -%}
{#- Every contact this run reads or rewrites (a whole-campaign recompute aside) started at or
    after the earliest of: a seed span's start, a changed contact's start (new or stored), a
    horizon move minus the longest window. Read when the model runs and written as a literal,
    it lets the scans of int_contacts and of this table skip the row groups of older contacts
    (a scalar subquery would not: docs/performance.md), so a night costs the same whatever the
    length of history. -#}
{%- set earliest_start = literal_minimum('lower_at', '(with ' ~ seed_ctes ~ '
    select lower_at from seeds
    union all select started_at from changed
    union all select started_at from previous
    union all select ' ~ dbt.dateadd('hour', -(window_lengths_hours | max), 'lower_at') ~ ' from ' ~ horizon_moves_relation(state, settings) ~ ' as moves)') %}

with

{{ seed_ctes }},

pair_spans as (

    select campaign_id, customer_id, min(lower_at) as lower_at, max(upper_at) as upper_at
    from seeds
    group by campaign_id, customer_id

),

input_rows as (

    -- contacts of the touched customers, from the span start to one window after its end
    select contacts.*, pair_spans.lower_at as _lower_at, pair_spans.upper_at as _upper_at
    from {{ ref('int_contacts') }} as contacts
    inner join pair_spans
        on contacts.campaign_id = pair_spans.campaign_id
        and contacts.customer_id = pair_spans.customer_id
    where {{ at_or_after('contacts.started_at', earliest_start) }}
        and contacts.started_at >= pair_spans.lower_at
        and contacts.started_at <= {{ dbt.dateadd('hour', window_hours, 'pair_spans.upper_at') }}
        and {{ not_in_text_list('contacts.campaign_id', full_campaigns) }}

    union all

    -- changed unidentified contacts (no follow-up partners)
    select changed.*, cast('-infinity' as timestamp with time zone), cast('infinity' as timestamp with time zone)
    from changed
    where customer_id is null
        and {{ not_in_text_list('campaign_id', full_campaigns) }}

    union all

    -- every contact of a campaign whose settings changed
    select contacts.*, cast('-infinity' as timestamp with time zone), cast('infinity' as timestamp with time zone)
    from {{ ref('int_contacts') }} as contacts
    where {{ in_text_list('contacts.campaign_id', full_campaigns) }}

),

sequenced as (

    {{ sequenced_contacts('input_rows') }}

),

recomputed as (

    select
        {{ contact_flag_columns() }}
    from sequenced
    where started_at >= _lower_at and started_at <= _upper_at

),

horizon_moves as (

    select * from {{ horizon_moves_relation(state, settings) }} as moves
    where {{ not_in_text_list('campaign_id', full_campaigns) }}

),

-- stored rows whose maturity changes with the horizon: a window ending in (lower, upper]
matured as (

    select this.*, horizon.data_end_at
    from {{ this }} as this
    inner join horizon_moves
        on this.campaign_id = horizon_moves.campaign_id
    inner join {{ ref('int_data_horizon') }} as horizon
        on this.campaign_id = horizon.campaign_id
    where {{ at_or_after('this.started_at', earliest_start) }}
        and this.customer_id is not null
        and (
            {%- for hours in window_lengths_hours %}
            ({{ dbt.dateadd('hour', hours, 'this.started_at') }} > horizon_moves.lower_at
                and {{ dbt.dateadd('hour', hours, 'this.started_at') }} <= horizon_moves.upper_at)
            {{ "or" if not loop.last }}
            {%- endfor %}
        )
        and this.contact_id not in (select contact_id from recomputed)

),

rematured as (

    select
        {{ contact_flag_columns(next_inbound='next_inbound_started_at') }}
    from matured

),

candidates as (

    select * from recomputed
    union all
    select * from rematured

),

existing as (

    -- a join, not IN: DuckDB filters the scan with the candidates' keys while reading (0.6 s
    -- vs 1.9 s at 20 M rows); the literal time bound skips the older row groups
    select this.*
    from {{ this }} as this
    inner join (select distinct contact_id from candidates) as candidate_keys
        on this.contact_id = candidate_keys.contact_id
    {%- if not full_campaigns %}
    where {{ at_or_after('this.started_at', earliest_start) }}
    {%- endif %}

)

select
    candidates.*,
    {{ follow_up_bookkeeping_columns('candidates', 'existing', consumer_since) }}
from candidates
left join existing
    on candidates.contact_id = existing.contact_id
where existing.contact_id is null
    or {{ any_column_differs(contact_flag_value_columns(), 'candidates', 'existing') }}

{%- else %}

with

sequenced as (

    {{ sequenced_contacts(ref('int_contacts')) }}

)

select
    {{ contact_flag_columns() }},
    {{ follow_up_full_bookkeeping_columns() }}
from sequenced
{#- No ORDER BY: the rows come out in int_contacts' order, contact id (sequenced_contacts), so
    the nightly lookups by id and by start time skip most row groups. -#}

{%- endif %}
