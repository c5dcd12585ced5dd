{#- Follow-up flags of contacts (int_contact_flags), shared by the full and the incremental
    path so that both compute exactly the same values.

    A contact's flags depend only on: its own row, the next contacts of the same customer on
    the same campaign within max(fcr_window_hours, repeat_window_days) (its "follow-up
    window"), the customer's churn date, its campaign's time zone and the data horizon. So:
    - next_contact_started_at / next_inbound_started_at are kept only when within that window
      (NULL beyond: it makes no difference to any flag, and an incremental run then never
      needs contacts beyond the window);
    - a changed contact can only change the flags of the contacts of its customer that
      started up to one follow-up window before it (and its own). -#}

{% macro follow_up_window_hours() -%}
    {{ return([var('fcr_window_hours') | int, (var('repeat_window_days') | int) * 24] | max) }}
{%- endmacro %}


{#- The rows of `contacts` (int_contacts-shaped, one row per contact_id) with their next
    contacts (window functions over campaign x customer ordered by start, then contact id),
    local activity date, churn date and horizon. Windows never see rows outside `contacts`:
    pass every contact of a customer from the earliest one whose flags are wanted up to one
    follow-up window after the latest one.
    The windows run on the few columns they need, for identified customers only, and are
    joined back to `contacts` by id: sorting the whole rows took twice as long, and the rows
    keep the order of `contacts` (int_contacts is stored in id order, so int_contact_flags is
    too without a sort of its own: docs/performance.md). -#}
{% macro sequenced_contacts(contacts) %}
    {%- set window_hours = follow_up_window_hours() -%}
    with

    next_contacts as (

        select
            contact_id,
            case
                when lead(started_at) over customer_sequence
                    <= {{ dbt.dateadd('hour', window_hours, 'started_at') }}
                    then lead(started_at) over customer_sequence
            end as next_contact_started_at,
            -- the next INBOUND contact: the earliest inbound start among the following rows
            -- (same sort as the lead above: one pass)
            min(case when direction = 'inbound' then started_at end) over (
                customer_sequence rows between 1 following and unbounded following
            ) as next_inbound_any_started_at

        from {{ contacts }} as identified
        where customer_id is not null
        window customer_sequence as (
            partition by campaign_id, customer_id
            order by started_at, contact_id
        )

    )

    select
        contacts.*,
        next_contacts.next_contact_started_at,
        next_contacts.next_inbound_any_started_at,
        {{ to_local_date('contacts.started_at', 'campaigns.timezone') }} as activity_date,
        horizon.data_end_at,
        customers.churned_on

    from {{ contacts }} as contacts
    left join next_contacts
        on contacts.contact_id = next_contacts.contact_id
    inner join {{ ref('int_campaigns') }} as campaigns
        on contacts.campaign_id = campaigns.campaign_id
    inner join {{ ref('int_data_horizon') }} as horizon
        on contacts.campaign_id = horizon.campaign_id
    left join {{ ref('int_customers') }} as customers
        on contacts.customer_id = customers.customer_id
        and contacts.campaign_id = customers.campaign_id
{%- endmacro %}


{#- The flag columns of int_contact_flags, from a relation with the contact columns,
    activity_date, next_contact_started_at, next_inbound_any_started_at (or the stored
    next_inbound_started_at), churned_on and data_end_at. -#}
{% macro contact_flag_columns(next_inbound='next_inbound_any_started_at') %}
    {%- set fcr_hours = var('fcr_window_hours') -%}
    {%- set repeat_hours = var('repeat_window_days') * 24 -%}
    {%- set attrition_days = var('attrition_window_days') -%}
    {%- set attrition_hours = attrition_days * 24 -%}
    {%- set window_hours = follow_up_window_hours() -%}
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
            when customer_id is not null and direction = 'inbound'
                and {{ next_inbound }} <= {{ dbt.dateadd('hour', window_hours, 'started_at') }}
                then {{ next_inbound }}
        end as next_inbound_started_at,
        churned_on,

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
                {{ next_inbound }} is null
                or {{ next_inbound }} > {{ dbt.dateadd('hour', fcr_hours, 'started_at') }}
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
{%- endmacro %}


{#- The value columns of int_contact_flags (everything but the bookkeeping columns): a row
    is rewritten only when one of them changes. -#}
{% macro contact_flag_value_columns() %}
    {{ return([
        'contact_id', 'campaign_id', 'advisor_id', 'customer_id', 'started_at', 'activity_date',
        'direction', 'outcome', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'is_handled',
        'handle_seconds', 'is_outbound_handled', 'is_outbound_blocked', 'is_argued',
        'is_appointment', 'is_retention_saved', 'is_identified', 'next_contact_started_at',
        'next_inbound_started_at', 'churned_on', 'is_fcr_eligible', 'is_fcr_resolved',
        'is_repeat_eligible', 'is_repeat_followed', 'is_attrition_eligible', 'is_churned'
    ]) }}
{% endmacro %}


{#- True when any of `columns` differs between relations aliases a and b (NULL-safe). -#}
{% macro any_column_differs(columns, a, b) -%}
    ({%- for column in columns %}{{ a }}.{{ column }} is distinct from {{ b }}.{{ column }}{{ " or " if not loop.last }}{% endfor -%})
{%- endmacro %}


{#- Bookkeeping columns of a recomputed row of a follow-up model (int_contact_flags,
    int_sale_flags, int_survey_answers), given its existing version `e` (NULL when new):
    _batch_id (this batch: the row is only written when a value changed),
    _credit_batch_id (batch in which advisor, campaign or activity date last changed),
    _prev_campaign_id / _prev_activity_date (the crediting the consumer int_affected_days
    last saw, so that it can rebuild the day the row left). -#}
{% macro follow_up_bookkeeping_columns(new, existing, consumer_since) -%}
    {%- set batch = current_batch_id() -%}
        cast({{ batch }} as {{ dbt.type_bigint() }}) as _batch_id,
        cast(case
            when {{ existing }}._batch_id is null
                or {{ any_column_differs(['campaign_id', 'advisor_id', 'activity_date'], new, existing) }}
                then {{ batch }}
            else {{ existing }}._credit_batch_id
        end as {{ dbt.type_bigint() }}) as _credit_batch_id,
        case
            when {{ existing }}._batch_id is null then null
            when {{ existing }}._batch_id <= {{ consumer_since }} then {{ existing }}.campaign_id
            else {{ existing }}._prev_campaign_id
        end as _prev_campaign_id,
        case
            when {{ existing }}._batch_id is null then null
            when {{ existing }}._batch_id <= {{ consumer_since }} then {{ existing }}.activity_date
            else {{ existing }}._prev_activity_date
        end as _prev_activity_date
{%- endmacro %}


{#- The same columns for a full rebuild: the consumer's previous view is unknown. -#}
{% macro follow_up_full_bookkeeping_columns() -%}
    {%- set batch = current_batch_id() -%}
        cast({{ batch }} as {{ dbt.type_bigint() }}) as _batch_id,
        cast({{ batch }} as {{ dbt.type_bigint() }}) as _credit_batch_id,
        cast(null as {{ dbt.type_string() }}) as _prev_campaign_id,
        {{ unknown_previous_date() }} as _prev_activity_date
{%- endmacro %}




{#- The value columns of int_sale_flags. -#}
{% macro sale_flag_value_columns() %}
    {{ return([
        'sale_id', 'contact_id', 'advisor_id', 'campaign_id', 'customer_id', 'sold_at',
        'activity_date', 'amount', 'is_additional', 'is_primary', 'services_attached',
        'is_primary_with_services', 'withdrawn_at', 'cancelled_at', 'withdrawal_window_days',
        'survival_window_days', 'is_withdrawal_eligible', 'is_withdrawn', 'is_survival_eligible',
        'is_surviving'
    ]) }}
{% endmacro %}


{#- The value columns of int_survey_answers. -#}
{% macro survey_answer_value_columns() %}
    {{ return([
        'survey_id', 'contact_id', 'advisor_id', 'campaign_id', 'activity_date', 'answered_at',
        'question', 'score', 'scale_min', 'scale_max', 'is_cr_related', 'is_top2', 'is_csat',
        'is_nps', 'is_nps_promoter', 'is_nps_detractor'
    ]) }}
{% endmacro %}
