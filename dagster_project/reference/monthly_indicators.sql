-- Reference computation of the monthly indicator components, advisor x campaign x local month,
-- straight from the landing files, in ONE DuckDB query. Written by hand from docs/indicators.md,
-- independently of the dbt models (tests/test_reference_sql.py checks that both agree).
--
-- It is the speed floor of the warehouse (the performance benchmark times it) and the fast
-- path of scripts/validate_estimators.py. It does NOT validate or quarantine anything: every
-- landing row is taken as well-formed (use it on clean data, e.g. the sample generator's).
--
-- Placeholders, filled by dagster_project.reference.render_sql():
--   {{ table:<name> }}  the landing rows of one contract table, every file of
--                       landing_dir/<name>/*.csv|*.parquet, contract columns as VARCHAR, and
--                       _file (its path): a later file in name order is a later delivery.
--                       Within one file a key appears once (dbt rejects two different rows
--                       with the same key in one delivery; identical copies are equivalent).
--   {{ var:<name> }}    a follow-up window var of dbt/dbt_project.yml (fcr_window_hours, ...)
-- Session time zone: UTC. Local dates come from timezone(<campaign zone>, instant) (ICU).
with

-- ----------------------------------------------------------------------------------------
-- Current rows: latest delivery per natural key
-- ----------------------------------------------------------------------------------------
campaigns as materialized (
    select
        campaign_id,
        coalesce(nullif(timezone, ''), 'Europe/Paris') as tz,
        coalesce(try_cast(nullif(withdrawal_window_days, '') as integer), {{ var:default_withdrawal_window_days }}) as withdrawal_days,
        coalesce(try_cast(nullif(survival_window_days, '') as integer), {{ var:default_survival_window_days }}) as survival_days
    from {{ table:campaigns }}
    qualify row_number() over (partition by campaign_id order by _file desc) = 1
),

contacts as materialized (
    select
        contact_id,
        campaign_id,
        nullif(advisor_id, '') as advisor_id,
        nullif(customer_id, '') as customer_id,
        cast(started_at as timestamptz) as started_at,
        direction,
        outcome,
        coalesce(try_cast(nullif(talk_seconds, '') as bigint), 0)
            + coalesce(try_cast(nullif(hold_seconds, '') as bigint), 0)
            + coalesce(try_cast(nullif(wrap_seconds, '') as bigint), 0) as seconds
    from {{ table:contacts }}
    qualify row_number() over (partition by contact_id order by _file desc) = 1
),

sales as materialized (
    select
        sale_id,
        advisor_id,
        campaign_id,
        cast(sold_at as timestamptz) as sold_at,
        cast(amount as decimal(18, 2)) as amount,
        cast(is_additional as boolean) as is_additional,
        coalesce(try_cast(nullif(services_attached, '') as integer), 0) as services_attached,
        try_cast(nullif(withdrawn_at, '') as timestamptz) as withdrawn_at,
        try_cast(nullif(cancelled_at, '') as timestamptz) as cancelled_at
    from {{ table:sales }}
    qualify row_number() over (partition by sale_id order by _file desc) = 1
),

customers as (
    select customer_id, campaign_id, try_cast(nullif(churned_on, '') as date) as churned_on
    from {{ table:customers }}
    qualify row_number() over (partition by customer_id, campaign_id order by _file desc) = 1
),

surveys as (
    select contact_id, question, cast(score as integer) as score
    from {{ table:surveys }}
    qualify row_number() over (partition by survey_id order by _file desc) = 1
),

-- Delivered questions override the shipped defaults (csat 1-5, nps 0-10) question by question.
delivered_questions as (
    select question, cast(scale_max as integer) as scale_max, cast(is_cr_related as boolean) as is_cr_related
    from {{ table:survey_questions }}
    qualify row_number() over (partition by question order by _file desc) = 1
),

questions as (
    select * from delivered_questions
    union all
    select * from (values ('csat', 5, false), ('nps', 10, false)) as d(question, scale_max, is_cr_related)
    where question not in (select question from delivered_questions)
),

hours as (
    select advisor_id, campaign_id, cast(work_date as date) as activity_date,
           cast(logged_seconds as bigint) as logged_seconds
    from {{ table:production_hours }}
    qualify row_number() over (partition by advisor_id, campaign_id, work_date order by _file desc) = 1
),

-- Data horizon: the start of the local day (campaign zone) after the latest contact start or
-- sale of the whole landing.
latest as (
    select greatest((select max(started_at) from contacts), (select max(sold_at) from sales)) as latest_at
),

horizon as (
    select
        campaigns.*,
        timezone(tz, cast(cast(timezone(tz, latest.latest_at) as date) + 1 as timestamp)) as data_end_at
    from campaigns cross join latest
),

-- ----------------------------------------------------------------------------------------
-- Contacts: local date, next contact of the customer on the campaign, next inbound contact
-- ----------------------------------------------------------------------------------------
sequenced as (
    select
        c.*,
        h.tz,
        h.data_end_at,
        cast(timezone(h.tz, c.started_at) as date) as activity_date,
        -- identified customers only: the next contact of the customer on the campaign (any
        -- direction) and, for an inbound contact, the next INBOUND one (the next non-null
        -- inbound start among the following rows); one sort for both
        case when c.customer_id is not null then lead(c.started_at) over customer_sequence end as next_at,
        case when c.customer_id is not null and c.direction = 'inbound' then lead(
            case when c.direction = 'inbound' then c.started_at end ignore nulls
        ) over customer_sequence end as next_inbound_at
    from contacts c
    join horizon h on h.campaign_id = c.campaign_id
    window customer_sequence as (partition by c.campaign_id, c.customer_id order by c.started_at, c.contact_id)
),

contact_flags as (
    select
        s.advisor_id,
        s.campaign_id,
        s.activity_date,
        s.outcome <> 'no_answer' as handled,
        s.seconds,
        s.direction,
        s.outcome,
        s.customer_id is not null and s.direction = 'inbound'
            and s.started_at + to_hours({{ var:fcr_window_hours }}) <= s.data_end_at as fcr_eligible,
        s.next_inbound_at is null or s.next_inbound_at > s.started_at + to_hours({{ var:fcr_window_hours }}) as fcr_resolved_if_eligible,
        s.customer_id is not null
            and s.started_at + to_hours(24 * {{ var:repeat_window_days }}) <= s.data_end_at as repeat_eligible,
        s.next_at is not null and s.next_at <= s.started_at + to_hours(24 * {{ var:repeat_window_days }}) as repeat_followed_if_eligible,
        s.customer_id is not null
            and s.started_at + to_hours(24 * {{ var:attrition_window_days }}) <= s.data_end_at as attrition_eligible,
        coalesce(cu.churned_on > s.activity_date
            and cu.churned_on <= s.activity_date + {{ var:attrition_window_days }}, false) as churned_if_eligible
    from sequenced s
    left join customers cu on cu.customer_id = s.customer_id and cu.campaign_id = s.campaign_id
),

contacts_daily as (
    select
        advisor_id, campaign_id, activity_date,
        count(*) as contacts,
        count(*) filter (where handled) as handled_contacts,
        coalesce(sum(seconds) filter (where handled), 0) as handle_seconds,
        count(*) filter (where handled and direction = 'outbound') as outbound_handled_contacts,
        count(*) filter (where direction = 'outbound' and outcome = 'gatekeeper_blocked') as outbound_blocked_contacts,
        count(*) filter (where outcome in ('argued', 'sale', 'appointment', 'retention_saved', 'retention_lost')) as argued_contacts,
        count(*) filter (where outcome = 'appointment') as appointment_contacts,
        count(*) filter (where outcome = 'retention_saved') as retention_saved_contacts,
        count(*) filter (where fcr_eligible) as fcr_eligible_contacts,
        count(*) filter (where fcr_eligible and fcr_resolved_if_eligible) as fcr_resolved_contacts,
        count(*) filter (where repeat_eligible) as repeat_eligible_contacts,
        count(*) filter (where repeat_eligible and repeat_followed_if_eligible) as repeat_followed_contacts,
        count(*) filter (where attrition_eligible) as attrition_eligible_contacts,
        count(*) filter (where attrition_eligible and churned_if_eligible) as churned_contacts
    from contact_flags
    where advisor_id is not null
    group by all
),

-- ----------------------------------------------------------------------------------------
-- Sales: local date of sold_at, withdrawal and survival windows (elapsed time from sold_at)
-- ----------------------------------------------------------------------------------------
sales_daily as (
    select
        s.advisor_id, s.campaign_id,
        cast(timezone(h.tz, s.sold_at) as date) as activity_date,
        count(*) as sales,
        sum(s.amount) as revenue,
        count(*) filter (where not s.is_additional) as primary_sales,
        count(*) filter (where s.is_additional) as additional_sales,
        count(*) filter (where not s.is_additional and s.services_attached > 0) as primary_sales_with_services,
        count(*) filter (where s.sold_at + to_hours(24 * h.withdrawal_days) <= h.data_end_at) as withdrawal_eligible_sales,
        count(*) filter (where s.sold_at + to_hours(24 * h.withdrawal_days) <= h.data_end_at
                           and s.withdrawn_at <= s.sold_at + to_hours(24 * h.withdrawal_days)) as withdrawn_sales,
        count(*) filter (where not s.is_additional
                           and s.sold_at + to_hours(24 * h.survival_days) <= h.data_end_at) as survival_eligible_sales,
        count(*) filter (where not s.is_additional
                           and s.sold_at + to_hours(24 * h.survival_days) <= h.data_end_at
                           and coalesce(s.withdrawn_at > s.sold_at + to_hours(24 * h.survival_days), true)
                           and coalesce(s.cancelled_at > s.sold_at + to_hours(24 * h.survival_days), true)) as surviving_sales
    from sales s
    join horizon h on h.campaign_id = s.campaign_id
    group by all
),

-- ----------------------------------------------------------------------------------------
-- Survey answers: credited to the surveyed contact's advisor, campaign and local date
-- ----------------------------------------------------------------------------------------
surveys_daily as (
    select
        c.advisor_id, c.campaign_id,
        cast(timezone(h.tz, c.started_at) as date) as activity_date,
        count(*) filter (where v.question = 'csat') as csat_answers,
        count(*) filter (where v.question = 'csat' and v.score >= q.scale_max - 1) as csat_top2_answers,
        count(*) filter (where q.is_cr_related) as cr_answers,
        count(*) filter (where q.is_cr_related and v.score >= q.scale_max - 1) as cr_top2_answers,
        count(*) filter (where v.question = 'nps') as nps_answers,
        count(*) filter (where v.question = 'nps' and v.score >= 9) as nps_promoters,
        count(*) filter (where v.question = 'nps' and v.score <= 6) as nps_detractors
    from surveys v
    join questions q on q.question = v.question
    join contacts c on c.contact_id = v.contact_id
    join horizon h on h.campaign_id = c.campaign_id
    where c.advisor_id is not null
    group by all
),

hours_daily as (
    select advisor_id, campaign_id, activity_date, sum(logged_seconds) as logged_seconds
    from hours
    group by all
),

-- ----------------------------------------------------------------------------------------
-- Advisor x campaign x day, then x month (sums; active_days = days with any row)
-- ----------------------------------------------------------------------------------------
daily as (
    select advisor_id, campaign_id, activity_date, logged_seconds from hours_daily
    union all by name
    select * from contacts_daily
    union all by name
    select * from sales_daily
    union all by name
    select * from surveys_daily
)

select
    advisor_id,
    campaign_id,
    cast(date_trunc('month', activity_date) as date) as month,
    cast(coalesce(sum(logged_seconds), 0) as bigint) as logged_seconds,
    coalesce(sum(logged_seconds), 0) / 3600.0 as hours,
    cast(coalesce(sum(contacts), 0) as bigint) as contacts,
    cast(coalesce(sum(handled_contacts), 0) as bigint) as handled_contacts,
    cast(coalesce(sum(handle_seconds), 0) as bigint) as handle_seconds,
    cast(coalesce(sum(outbound_handled_contacts), 0) as bigint) as outbound_handled_contacts,
    cast(coalesce(sum(outbound_blocked_contacts), 0) as bigint) as outbound_blocked_contacts,
    cast(coalesce(sum(argued_contacts), 0) as bigint) as argued_contacts,
    cast(coalesce(sum(appointment_contacts), 0) as bigint) as appointment_contacts,
    cast(coalesce(sum(retention_saved_contacts), 0) as bigint) as retention_saved_contacts,
    cast(coalesce(sum(fcr_eligible_contacts), 0) as bigint) as fcr_eligible_contacts,
    cast(coalesce(sum(fcr_resolved_contacts), 0) as bigint) as fcr_resolved_contacts,
    cast(coalesce(sum(repeat_eligible_contacts), 0) as bigint) as repeat_eligible_contacts,
    cast(coalesce(sum(repeat_followed_contacts), 0) as bigint) as repeat_followed_contacts,
    cast(coalesce(sum(attrition_eligible_contacts), 0) as bigint) as attrition_eligible_contacts,
    cast(coalesce(sum(churned_contacts), 0) as bigint) as churned_contacts,
    cast(coalesce(sum(sales), 0) as bigint) as sales,
    cast(coalesce(sum(revenue), 0) as decimal(18, 2)) as revenue,
    cast(coalesce(sum(primary_sales), 0) as bigint) as primary_sales,
    cast(coalesce(sum(additional_sales), 0) as bigint) as additional_sales,
    cast(coalesce(sum(primary_sales_with_services), 0) as bigint) as primary_sales_with_services,
    cast(coalesce(sum(primary_sales), 0) + coalesce(sum(appointment_contacts), 0) as bigint) as sales_or_appointments,
    cast(coalesce(sum(withdrawal_eligible_sales), 0) as bigint) as withdrawal_eligible_sales,
    cast(coalesce(sum(withdrawn_sales), 0) as bigint) as withdrawn_sales,
    cast(coalesce(sum(survival_eligible_sales), 0) as bigint) as survival_eligible_sales,
    cast(coalesce(sum(surviving_sales), 0) as bigint) as surviving_sales,
    cast(coalesce(sum(csat_answers), 0) as bigint) as csat_answers,
    cast(coalesce(sum(csat_top2_answers), 0) as bigint) as csat_top2_answers,
    cast(coalesce(sum(cr_answers), 0) as bigint) as cr_answers,
    cast(coalesce(sum(cr_top2_answers), 0) as bigint) as cr_top2_answers,
    cast(coalesce(sum(nps_answers), 0) as bigint) as nps_answers,
    cast(coalesce(sum(nps_promoters), 0) as bigint) as nps_promoters,
    cast(coalesce(sum(nps_detractors), 0) as bigint) as nps_detractors,
    cast(coalesce(sum(nps_promoters), 0) - coalesce(sum(nps_detractors), 0) as bigint) as nps_net_promoters,
    cast(count(distinct activity_date) as bigint) as active_days
from daily
group by advisor_id, campaign_id, month
order by advisor_id, campaign_id, month
