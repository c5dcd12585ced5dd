{#- One row per current contact: its local activity date (campaign time zone; a contact is
    credited once, on the local date it starts) and its outcome and follow-up flags.

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
      attrition_window_days after it. -#}
{%- set fcr_hours = var('fcr_window_hours') -%}
{%- set repeat_hours = var('repeat_window_days') * 24 -%}
{%- set attrition_days = var('attrition_window_days') -%}
{%- set attrition_hours = attrition_days * 24 -%}

with

contacts as (

    select * from {{ ref('int_contacts') }}

),

campaigns as (

    select campaign_id, timezone from {{ ref('int_campaigns') }}

),

horizon as (

    select campaign_id, data_end_at from {{ ref('int_data_horizon') }}

),

customers as (

    select customer_id, campaign_id, churned_on from {{ ref('int_customers') }}

),

sequenced as (

    select
        contacts.*,
        lead(started_at) over customer_sequence as next_contact_started_at,
        -- the next INBOUND contact: the earliest inbound start among the following rows
        -- (same sort as the lead above: one pass)
        min(case when direction = 'inbound' then started_at end) over (
            customer_sequence rows between 1 following and unbounded following
        ) as next_inbound_any_started_at

    from contacts
    window customer_sequence as (
        partition by campaign_id, customer_id
        order by started_at, contact_id
    )

),

localised as (

    select
        sequenced.*,
        {{ to_local_date('sequenced.started_at', 'campaigns.timezone') }} as activity_date,
        horizon.data_end_at,
        customers.churned_on

    from sequenced
    inner join campaigns
        on sequenced.campaign_id = campaigns.campaign_id
    inner join horizon
        on sequenced.campaign_id = horizon.campaign_id
    left join customers
        on sequenced.customer_id = customers.customer_id
        and sequenced.campaign_id = customers.campaign_id

),

flagged as (

    select
        contact_id,
        campaign_id,
        advisor_id,
        customer_id,
        started_at,
        activity_date,
        direction,
        outcome,
        talk_seconds,
        hold_seconds,
        wrap_seconds,
        outcome <> 'no_answer' as is_handled,
        case
            when outcome <> 'no_answer'
                then coalesce(talk_seconds, 0) + coalesce(hold_seconds, 0) + coalesce(wrap_seconds, 0)
            else 0
        end as handle_seconds,
        direction = 'outbound' and outcome <> 'no_answer' as is_outbound_handled,
        direction = 'outbound' and outcome = 'gatekeeper_blocked' as is_outbound_blocked,
        outcome in ('argued', 'sale', 'appointment', 'retention_saved', 'retention_lost') as is_argued,
        outcome = 'appointment' as is_appointment,
        outcome = 'retention_saved' as is_retention_saved,
        customer_id is not null as is_identified,
        case when customer_id is not null then next_contact_started_at end as next_contact_started_at,
        case
            when customer_id is not null and direction = 'inbound' then next_inbound_any_started_at
        end as next_inbound_started_at,
        data_end_at,

        -- first-contact resolution
        (
            customer_id is not null
            and direction = 'inbound'
            and {{ dbt.dateadd('hour', fcr_hours, 'started_at') }} <= data_end_at
        ) as is_fcr_eligible,
        (
            customer_id is not null
            and direction = 'inbound'
            and {{ dbt.dateadd('hour', fcr_hours, 'started_at') }} <= data_end_at
            and (
                next_inbound_any_started_at is null
                or next_inbound_any_started_at > {{ dbt.dateadd('hour', fcr_hours, 'started_at') }}
            )
        ) as is_fcr_resolved,

        -- repeat contact
        (
            customer_id is not null
            and {{ dbt.dateadd('hour', repeat_hours, 'started_at') }} <= data_end_at
        ) as is_repeat_eligible,
        (
            customer_id is not null
            and {{ dbt.dateadd('hour', repeat_hours, 'started_at') }} <= data_end_at
            and next_contact_started_at is not null
            and next_contact_started_at <= {{ dbt.dateadd('hour', repeat_hours, 'started_at') }}
        ) as is_repeat_followed,

        -- customer attrition
        (
            customer_id is not null
            and {{ dbt.dateadd('hour', attrition_hours, 'started_at') }} <= data_end_at
        ) as is_attrition_eligible,
        (
            customer_id is not null
            and {{ dbt.dateadd('hour', attrition_hours, 'started_at') }} <= data_end_at
            and churned_on is not null
            and churned_on > activity_date
            and churned_on <= cast({{ dbt.dateadd('day', attrition_days, 'activity_date') }} as date)
        ) as is_churned

    from localised

)

select * from flagged
